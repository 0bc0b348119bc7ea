import { useCallback, useMemo } from 'react';
import { useTagTracks, type TrackTag } from '../../api/tags';
import { useRateTrack, useTrackPages, type TrackItem, type TrackSort } from '../../api/tracks';
import { ErrorMessage } from '../../components/ErrorMessage';
import { BulkTagBar } from './BulkTagBar';
import { FirstRun } from './FirstRun';
import { LibraryFilters } from './LibraryFilters';
import {
  defaultOrder,
  hasFilters,
  listParams,
  useLibraryView,
  withoutFilters,
} from './libraryParams';
import { TrackTable } from './TrackTable';
import { useSelection } from './useSelection';
import './library.css';

/** The library: every track, sorted and filtered, rated and tagged in place. */
export function LibraryPage() {
  const { view, change } = useLibraryView();
  const params = useMemo(() => listParams(view), [view]);
  const pages = useTrackPages(params);
  const tracks = useMemo(() => pages.data?.pages.flatMap((page) => page.items) ?? [], [pages.data]);
  const listKey = JSON.stringify(params);
  const selection = useSelection(tracks, listKey);
  const rate = useRateTrack();
  const untag = useTagTracks();

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = pages;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  const onSort = useCallback(
    (sort: TrackSort) =>
      change((current) => ({
        ...current,
        sort,
        order:
          current.sort === sort ? (current.order === 'asc' ? 'desc' : 'asc') : defaultOrder(sort),
      })),
    [change],
  );
  const { mutate: rateTrack } = rate;
  const onRate = useCallback(
    (track: TrackItem, rating: number | null) =>
      rateTrack({ id: track.id, rating, name: track.name }),
    [rateTrack],
  );
  const { mutate: tagTracks } = untag;
  const onRemoveTag = useCallback(
    (track: TrackItem, tag: TrackTag) => tagTracks({ trackIds: [track.id], remove: [tag] }),
    [tagTracks],
  );

  const emptyLibrary = pages.isSuccess && tracks.length === 0 && !hasFilters(view);

  return (
    <section className="library">
      <h1>Library</h1>
      {emptyLibrary ? (
        <FirstRun />
      ) : (
        <>
          <LibraryFilters view={view} change={change} tracks={tracks} />
          <BulkTagBar selection={selection} />
          {rate.error && (
            <ErrorMessage
              error={new Error(`Could not rate “${rate.variables?.name}”: ${rate.error.message}`)}
            />
          )}
          <ErrorMessage error={untag.error} />
          {pages.isPending && <p className="status">Loading your library…</p>}
          {pages.isError && <ErrorMessage error={pages.error} />}
          {pages.isFetchNextPageError && (
            <button type="button" onClick={loadMore}>
              Try loading more again
            </button>
          )}
          {pages.isSuccess && tracks.length === 0 && (
            <div className="status">
              <p>No tracks match these filters.</p>
              <button type="button" onClick={() => change(withoutFilters)}>
                Clear filters
              </button>
            </div>
          )}
          {tracks.length > 0 && (
            <TrackTable
              tracks={tracks}
              hasMore={hasNextPage && !pages.isFetchNextPageError}
              loadingMore={isFetchingNextPage}
              loadMore={loadMore}
              stale={pages.isPlaceholderData}
              listKey={listKey}
              sort={view.sort}
              order={view.order}
              onSort={onSort}
              selection={selection}
              onRate={onRate}
              onRemoveTag={onRemoveTag}
            />
          )}
        </>
      )}
    </section>
  );
}
