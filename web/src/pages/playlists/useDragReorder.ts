import { useCallback, useEffect, useRef, useState, type PointerEvent, type RefObject } from 'react';

/** Within this distance of the list's top or bottom edge, a drag scrolls the list. */
const EDGE_PX = 48;
const SCROLL_STEP_PX = 12;

export interface DragState {
  /** the row being dragged */
  from: number;
  /** the gap it would drop into: 0 is before the first row, n after the last */
  slot: number;
}

/**
 * Pointer drag of fixed-height rows in a scrolling list (mouse, pen and
 * touch alike, unlike HTML drag and drop, which touch screens lack). Rows
 * have one height, so the gap under the pointer is arithmetic, even for rows
 * the virtual list has not rendered. Escape cancels.
 */
export function useDragReorder({
  scrollRef,
  rowHeight,
  rowCount,
  onDrop,
}: {
  scrollRef: RefObject<HTMLElement | null>;
  rowHeight: number;
  rowCount: number;
  /** a row dropped into a gap that moves it */
  onDrop: (from: number, slot: number) => void;
}) {
  const [drag, setDrag] = useState<DragState | null>(null);
  const dragRef = useRef<DragState | null>(null);

  const update = useCallback((next: DragState | null) => {
    dragRef.current = next;
    setDrag(next);
  }, []);

  const slotAt = useCallback(
    (clientY: number) => {
      const list = scrollRef.current;
      if (!list) return 0;
      const { top, bottom } = list.getBoundingClientRect();
      if (clientY < top + EDGE_PX) list.scrollTop -= SCROLL_STEP_PX;
      else if (clientY > bottom - EDGE_PX) list.scrollTop += SCROLL_STEP_PX;
      const y = clientY - top + list.scrollTop;
      return Math.max(0, Math.min(rowCount, Math.round(y / rowHeight)));
    },
    [scrollRef, rowCount, rowHeight],
  );

  useEffect(() => {
    if (!drag) return;
    const cancel = (event: KeyboardEvent) => {
      if (event.key === 'Escape') update(null);
    };
    window.addEventListener('keydown', cancel);
    return () => window.removeEventListener('keydown', cancel);
  }, [drag, update]);

  /** Props for a row's drag handle. */
  const handleProps = (index: number) => ({
    onPointerDown: (event: PointerEvent<HTMLElement>) => {
      if (event.button !== 0) return;
      event.preventDefault();
      event.currentTarget.setPointerCapture(event.pointerId);
      update({ from: index, slot: index });
    },
    onPointerMove: (event: PointerEvent<HTMLElement>) => {
      const current = dragRef.current;
      if (!current) return;
      const slot = slotAt(event.clientY);
      if (slot !== current.slot) update({ ...current, slot });
    },
    onPointerUp: () => {
      const current = dragRef.current;
      update(null);
      // the gaps either side of the row leave it where it is
      if (current && current.slot !== current.from && current.slot !== current.from + 1)
        onDrop(current.from, current.slot);
    },
    onPointerCancel: () => update(null),
  });

  return { drag, handleProps };
}
