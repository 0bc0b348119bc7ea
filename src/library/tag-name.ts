/**
 * The key that makes tag names unique per user regardless of case: computed
 * here because PGlite's lower() folds ASCII only.
 */
export function tagNameKey(name: string): string {
  return name.normalize('NFKC').trim().toLowerCase();
}
