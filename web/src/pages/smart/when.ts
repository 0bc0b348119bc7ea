/** A moment for people: "4 May 2026, 10:12"; never when there is none. */
export function formatWhen(iso: string | null): string {
  if (iso === null) return 'never';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
