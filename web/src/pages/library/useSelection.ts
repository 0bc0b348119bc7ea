import { useCallback, useState } from 'react';
import type { TrackItem } from '../../api/tracks';

interface SelectionState {
  /** what the selection belongs to: a new list (other sort or filters) starts empty */
  listKey: string;
  ids: ReadonlySet<number>;
  /** the last row clicked without Shift: where a Shift-click range starts */
  anchor: number | null;
}

const empty = (listKey: string): SelectionState => ({ listKey, ids: new Set(), anchor: null });

/**
 * Which loaded tracks are selected: a click toggles one, a Shift-click sets
 * the range from the last click to this one as this one now is.
 */
export function useSelection(tracks: TrackItem[], listKey: string) {
  const [state, setState] = useState<SelectionState>(() => empty(listKey));
  // a selection the user cannot see would be tagged by surprise
  if (state.listKey !== listKey) setState(empty(listKey));
  const current = state.listKey === listKey ? state : empty(listKey);

  const toggle = useCallback(
    (id: number, range: boolean) =>
      setState((s) => {
        const ids = new Set(s.ids);
        const selecting = !ids.has(id);
        const from = s.anchor === null ? -1 : tracks.findIndex((t) => t.id === s.anchor);
        const to = tracks.findIndex((t) => t.id === id);
        if (range && from >= 0 && to >= 0) {
          for (const track of tracks.slice(Math.min(from, to), Math.max(from, to) + 1)) {
            if (selecting) ids.add(track.id);
            else ids.delete(track.id);
          }
          return { ...s, ids };
        }
        if (selecting) ids.add(id);
        else ids.delete(id);
        return { ...s, ids, anchor: id };
      }),
    [tracks],
  );

  const allSelected = tracks.length > 0 && tracks.every((t) => current.ids.has(t.id));
  const toggleAll = useCallback(
    () =>
      setState((s) => ({
        ...s,
        ids: allSelected ? new Set() : new Set(tracks.map((t) => t.id)),
        anchor: null,
      })),
    [allSelected, tracks],
  );
  const clear = useCallback(() => setState((s) => empty(s.listKey)), []);

  return { ids: current.ids, toggle, toggleAll, clear, allSelected };
}

export type Selection = ReturnType<typeof useSelection>;
