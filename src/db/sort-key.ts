/**
 * The normalised key names are sorted and matched by: accents folded, case
 * folded, whitespace collapsed. Computed here rather than in SQL because
 * PGlite's lower() only folds ASCII, and both engines must agree.
 */
export function sortKey(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Code-unit order: the same in every process, whatever a database's collation. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Case-insensitive identity of a user-given name (tags): case folded, accents kept. */
export function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Text matched literally inside a LIKE pattern: its `\`, `%` and `_` escaped. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}
