import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { TrackTag } from '../../api/tags';
import type { SortOrder, TrackItem, TrackSort } from '../../api/tracks';
import { COLUMNS } from './columns';
import { SortHeader } from './SortHeader';
import { TrackRow } from './TrackRow';
import type { Selection } from './useSelection';

/** Every row is this tall, so the list never measures a row. */
const ROW_HEIGHT = 52;
/** Start fetching the next page this many rows before the loaded ones run out. */
const PREFETCH_ROWS = 30;

interface TrackTableProps {
  tracks: TrackItem[];
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
  /** the list is being replaced (new sort or filters): shown dimmed meanwhile */
  stale: boolean;
  /** identifies the list (its sort and filters): a new one scrolls back to the top */
  listKey: string;
  sort: TrackSort;
  order: SortOrder;
  onSort: (sort: TrackSort) => void;
  selection: Selection;
  onRate: (track: TrackItem, rating: number | null) => void;
  onRemoveTag: (track: TrackItem, tag: TrackTag) => void;
}

/**
 * The library as a table whose rows are only drawn where the scroller shows
 * them, so 50k tracks cost what a screenful does; the next page loads as
 * the end comes near.
 */
export function TrackTable(props: TrackTableProps) {
  const { tracks, hasMore, loadingMore, loadMore, selection } = props;
  const scrollerRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render on purpose
  const virtualizer = useVirtualizer({
    count: tracks.length + (hasMore ? 1 : 0),
    getScrollElement: () => scrollerRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const rows = virtualizer.getVirtualItems();
  const lastShown = rows.at(-1)?.index ?? 0;

  useEffect(() => {
    if (hasMore && !loadingMore && lastShown >= tracks.length - PREFETCH_ROWS) loadMore();
  }, [hasMore, loadingMore, lastShown, tracks.length, loadMore]);

  // another sort or filter starts at the top
  const { listKey } = props;
  useEffect(() => {
    scrollerRef.current?.scrollTo({ top: 0 });
  }, [listKey]);

  const someSelected = selection.ids.size > 0 && !selection.allSelected;
  return (
    <div
      className={`track-scroller${props.stale ? ' stale' : ''}`}
      ref={scrollerRef}
      aria-busy={props.stale || loadingMore}
    >
      <div
        role="table"
        aria-label="Tracks"
        aria-rowcount={hasMore ? -1 : tracks.length + 1}
        className="track-table"
      >
        <div role="rowgroup" className="track-head">
          <div role="row" aria-rowindex={1} className="track-row head">
            <span role="columnheader" className="cell select">
              <input
                type="checkbox"
                aria-label="Select all loaded tracks"
                checked={selection.allSelected}
                ref={(box) => {
                  if (box) box.indeterminate = someSelected;
                }}
                onChange={selection.toggleAll}
              />
            </span>
            <span role="columnheader" className="cell art">
              <span className="visually-hidden">Cover</span>
            </span>
            {COLUMNS.map((column) => (
              <SortHeader
                key={column.id}
                column={column}
                sort={props.sort}
                order={props.order}
                onSort={props.onSort}
              />
            ))}
          </div>
        </div>
        <div role="rowgroup" className="track-body" style={{ height: virtualizer.getTotalSize() }}>
          {rows.map((row) => {
            const style = { height: ROW_HEIGHT, transform: `translateY(${row.start}px)` };
            const track = tracks[row.index];
            if (!track) {
              return (
                <div role="row" key="more" className="track-row loading-row" style={style}>
                  <span role="cell" className="cell">
                    Loading more tracks…
                  </span>
                </div>
              );
            }
            return (
              <TrackRow
                key={track.id}
                track={track}
                rowIndex={row.index + 2}
                selected={selection.ids.has(track.id)}
                top={row.start}
                height={ROW_HEIGHT}
                onToggle={selection.toggle}
                onRate={props.onRate}
                onRemoveTag={props.onRemoveTag}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}
