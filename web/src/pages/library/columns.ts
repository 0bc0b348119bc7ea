import type { TrackSort } from '../../api/tracks';

export interface Column {
  /** the cell's class: the grid places and hides columns by it */
  id: string;
  label: string;
  /** the sort a click on the header picks */
  sort?: TrackSort;
}

/** The list's columns in order; rows render their cells in the same order. */
export const COLUMNS: Column[] = [
  { id: 'name', label: 'Title', sort: 'name' },
  { id: 'artist', label: 'Artist', sort: 'artist' },
  { id: 'album', label: 'Album', sort: 'album' },
  { id: 'duration', label: 'Time', sort: 'duration' },
  { id: 'plays', label: 'Plays', sort: 'plays' },
  { id: 'last-played', label: 'Last played', sort: 'last_played' },
  { id: 'added', label: 'Added', sort: 'added' },
  { id: 'rating', label: 'Rating', sort: 'rating' },
  { id: 'tags', label: 'Tags' },
];

export const SORT_LABELS: Record<TrackSort, string> = {
  added: 'Added',
  plays: 'Plays',
  last_played: 'Last played',
  rating: 'Rating',
  name: 'Title',
  artist: 'Artist',
  album: 'Album',
  duration: 'Time',
};
