/** Whether a statement failed on a unique constraint (SQLSTATE 23505): someone else got there first. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}
