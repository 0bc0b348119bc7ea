import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import {
  useMoveEntry,
  usePlaylistEntries,
  useRemoveEntry,
  type PlaylistEntry,
} from '../../api/playlists';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatDuration } from './format';
import { useDragReorder } from './useDragReorder';

const ROW_HEIGHT = 56;
/** Rows left below the visible ones when the next page is asked for. */
const PREFETCH_ROWS = 20;

type MoveControl = 'up' | 'down';

/**
 * A playlist's tracks in a virtual list, loaded page by page as it scrolls.
 * Reordering: drag a row by its handle, or from the keyboard with the Move
 * up / Move down buttons or Alt+↑ / Alt+↓ anywhere in a row (focus follows
 * the row, so the keys can be pressed again).
 */
export function PlaylistEntries({ playlistId, total }: { playlistId: number; total: number }) {
  const pages = usePlaylistEntries(playlistId);
  const move = useMoveEntry(playlistId);
  const remove = useRemoveEntry(playlistId);
  const entries = pages.data?.pages.flatMap((page) => page.items) ?? [];
  const scrollRef = useRef<HTMLDivElement>(null);
  const [focusAfterMove, setFocusAfterMove] = useState<{
    entryId: number;
    index: number;
    control: MoveControl;
  } | null>(null);
  const [announcement, setAnnouncement] = useState('');

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render on purpose
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    getItemKey: (index) => entries[index]?.entryId ?? index,
  });
  const visible = virtualizer.getVirtualItems();
  const firstVisible = visible[0]?.index ?? 0;
  const lastVisible = visible.at(-1)?.index ?? 0;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = pages;

  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastVisible >= entries.length - PREFETCH_ROWS)
      void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, lastVisible, entries.length]);

  /** Moves the entry at `from` into the gap `slot` (0: before the first). */
  const moveToSlot = (from: number, slot: number, control?: MoveControl) => {
    const entry = entries[from];
    if (!entry) return;
    const anchor = slot === 0 ? null : entries[slot - 1];
    if (anchor === undefined) return;
    move.mutate({ entryId: entry.entryId, after: anchor?.entryId ?? null });
    const position = slot > from ? slot : slot + 1;
    setAnnouncement(`${entry.name} moved to position ${position} of ${total}`);
    if (control) {
      virtualizer.scrollToIndex(position - 1);
      setFocusAfterMove({ entryId: entry.entryId, index: position - 1, control });
    }
  };
  const moveBy = (index: number, step: -1 | 1) => {
    if (step === -1 && index > 0) moveToSlot(index, index - 1, 'up');
    if (step === 1 && index < entries.length - 1) moveToSlot(index, index + 2, 'down');
  };

  const { drag, handleProps } = useDragReorder({
    scrollRef,
    rowHeight: ROW_HEIGHT,
    rowCount: entries.length,
    onDrop: (from, slot) => moveToSlot(from, slot),
  });

  // Redrawing the list in its new order takes focus off the moved row: once the
  // row is drawn at its new place, focus goes back to the button that moved it.
  const loaded = pages.data;
  useEffect(() => {
    if (!focusAfterMove) return;
    const at = loaded?.pages.flatMap((page) => page.items)[focusAfterMove.index];
    if (at?.entryId !== focusAfterMove.entryId) return;
    const button = scrollRef.current?.querySelector<HTMLButtonElement>(
      `[data-entry-id="${focusAfterMove.entryId}"] [data-control="${focusAfterMove.control}"]`,
    );
    if (button) {
      button.focus();
      setFocusAfterMove(null);
    }
  }, [focusAfterMove, loaded, firstVisible, lastVisible]);

  if (pages.isPending) return <p className="status">Loading tracks…</p>;
  if (pages.isError) return <ErrorMessage error={pages.error} />;
  if (entries.length === 0)
    return <p className="status">This playlist is empty: add tracks from your library below.</p>;

  return (
    <>
      <p className="hint muted">
        Drag a track by its handle, or use Move up / Move down (Alt+↑ / Alt+↓) to reorder.
      </p>
      <ErrorMessage error={move.error ?? remove.error} />
      <div ref={scrollRef} className="entries-scroll">
        <ol
          className="entries"
          aria-label="Tracks in this playlist"
          style={{ height: virtualizer.getTotalSize() }}
        >
          {visible.map((row) => {
            const entry = entries[row.index]!;
            return (
              <EntryRow
                key={row.key}
                entry={entry}
                index={row.index}
                total={total}
                top={row.start}
                dragging={drag?.from === row.index}
                handle={handleProps(row.index)}
                onMove={(step) => moveBy(row.index, step)}
                onRemove={() => remove.mutate(entry.entryId)}
              />
            );
          })}
          {drag && (
            <li
              className="drop-indicator"
              aria-hidden="true"
              style={{ transform: `translateY(${drag.slot * ROW_HEIGHT - 1}px)` }}
            />
          )}
        </ol>
      </div>
      {isFetchingNextPage && <p className="status">Loading more…</p>}
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
    </>
  );
}

interface EntryRowProps {
  entry: PlaylistEntry;
  index: number;
  total: number;
  top: number;
  dragging: boolean;
  handle: ReturnType<ReturnType<typeof useDragReorder>['handleProps']>;
  onMove: (step: -1 | 1) => void;
  onRemove: () => void;
}

function EntryRow({ entry, index, total, top, dragging, handle, onMove, onRemove }: EntryRowProps) {
  const artists = entry.artists.map((artist) => artist.name).join(', ');
  const onKeyDown = (event: KeyboardEvent) => {
    if (!event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
    event.preventDefault();
    onMove(event.key === 'ArrowUp' ? -1 : 1);
  };
  return (
    <li
      className={`entry${dragging ? ' dragging' : ''}`}
      data-entry-id={entry.entryId}
      aria-posinset={index + 1}
      aria-setsize={total}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      onKeyDown={onKeyDown}
    >
      {/* pointer only: keyboard users have the Move buttons */}
      <span className="drag-handle" aria-hidden="true" title="Drag to reorder" {...handle}>
        ⠿
      </span>
      <span className="entry-position muted">{index + 1}</span>
      {entry.album?.imageUrl ? (
        <img className="cover" src={entry.album.imageUrl} alt="" loading="lazy" />
      ) : (
        <span className="cover" aria-hidden="true" />
      )}
      <span className="entry-text">
        <span className="entry-name">{entry.name}</span>
        <span className="entry-artists muted">
          {artists}
          {entry.album && <span className="entry-album"> · {entry.album.name}</span>}
        </span>
      </span>
      <span className="entry-duration muted">{formatDuration(entry.durationMs)}</span>
      <span className="row-actions">
        <button
          type="button"
          data-control="up"
          aria-label={`Move ${entry.name} up`}
          aria-disabled={index === 0}
          onClick={() => onMove(-1)}
        >
          ↑
        </button>
        <button
          type="button"
          data-control="down"
          aria-label={`Move ${entry.name} down`}
          aria-disabled={index === total - 1}
          onClick={() => onMove(1)}
        >
          ↓
        </button>
        <button
          type="button"
          aria-label={`Remove ${entry.name} from the playlist`}
          onClick={onRemove}
        >
          ✕
        </button>
      </span>
    </li>
  );
}
