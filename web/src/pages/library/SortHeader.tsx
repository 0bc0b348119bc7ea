import type { SortOrder, TrackSort } from '../../api/tracks';
import type { Column } from './columns';

interface SortHeaderProps {
  column: Column;
  sort: TrackSort;
  order: SortOrder;
  onSort: (sort: TrackSort) => void;
}

/** A column header; a sortable one is a button that picks its sort, or flips it when it is on. */
export function SortHeader({ column, sort, order, onSort }: SortHeaderProps) {
  const active = column.sort !== undefined && column.sort === sort;
  return (
    <span
      role="columnheader"
      className={`cell ${column.id}`}
      aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : undefined}
    >
      {column.sort ? (
        <button
          type="button"
          className={`sort-button${active ? ' active' : ''}`}
          onClick={() => onSort(column.sort!)}
        >
          {column.label}
          <span className="sort-arrow" aria-hidden="true">
            {active ? (order === 'asc' ? '▲' : '▼') : ''}
          </span>
        </button>
      ) : (
        column.label
      )}
    </span>
  );
}
