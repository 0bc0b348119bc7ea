const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** 3:07, 1:02:09; an en dash when unknown. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '–';
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A day in the reader's locale; an en dash when there is none. */
export function formatDate(iso: string | null): string {
  return iso ? dateFormat.format(new Date(iso)) : '–';
}
