import { memo } from 'react';
import type { TrackTag } from '../../api/tags';
import type { TrackItem } from '../../api/tracks';
import { StarRating } from '../../components/StarRating';
import { TagChips } from '../../components/TagChips';
import { formatDate, formatDuration } from './format';

interface TrackRowProps {
  track: TrackItem;
  /** 1-based, counting the header row */
  rowIndex: number;
  selected: boolean;
  /** its offset from the top of the list, in pixels */
  top: number;
  height: number;
  onToggle: (id: number, range: boolean) => void;
  onRate: (track: TrackItem, rating: number | null) => void;
  onRemoveTag: (track: TrackItem, tag: TrackTag) => void;
}

function AlbumArt({ url }: { url: string | null | undefined }) {
  // the album's name is in its own column: the picture adds nothing to read out
  return url ? (
    <img className="album-art" src={url} alt="" width={36} height={36} loading="lazy" />
  ) : (
    <span className="album-art album-art-none" aria-hidden="true">
      ♪
    </span>
  );
}

/** One track of the list; memoised, as scrolling re-renders the list many times a second. */
export const TrackRow = memo(function TrackRow({
  track,
  rowIndex,
  selected,
  top,
  height,
  onToggle,
  onRate,
  onRemoveTag,
}: TrackRowProps) {
  const artists = track.artists.map((a) => a.name).join(', ');
  return (
    <div
      role="row"
      aria-rowindex={rowIndex}
      className={`track-row${selected ? ' selected' : ''}`}
      style={{ height, transform: `translateY(${top}px)` }}
    >
      <span role="cell" className="cell select">
        <input
          type="checkbox"
          aria-label={`Select ${track.name}`}
          checked={selected}
          onChange={() => undefined}
          onClick={(event) => onToggle(track.id, event.shiftKey)}
        />
      </span>
      <span role="cell" className="cell art">
        <AlbumArt url={track.album?.imageUrl} />
      </span>
      <span role="cell" className="cell name">
        <span className="track-name" title={track.name}>
          {track.name}
        </span>
        {/* on narrow screens the artist and album columns give way to this line */}
        <span className="track-byline" aria-hidden="true">
          {artists}
          {track.album ? ` · ${track.album.name}` : ''}
        </span>
      </span>
      <span role="cell" className="cell artist" title={artists}>
        {artists}
      </span>
      <span role="cell" className="cell album" title={track.album?.name}>
        {track.album?.name ?? ''}
      </span>
      <span role="cell" className="cell duration">
        {formatDuration(track.durationMs)}
      </span>
      <span role="cell" className="cell plays">
        {track.playCount}
      </span>
      <span role="cell" className="cell last-played">
        {formatDate(track.lastPlayedAt)}
      </span>
      <span role="cell" className="cell added">
        {formatDate(track.addedAt)}
      </span>
      <span role="cell" className="cell rating">
        <StarRating
          value={track.rating}
          label={`Rating of ${track.name}`}
          onChange={(rating) => onRate(track, rating)}
        />
      </span>
      <span role="cell" className="cell tags">
        <TagChips
          tags={track.tags}
          owner={track.name}
          onRemove={(tag) => onRemoveTag(track, tag)}
        />
      </span>
    </div>
  );
});
