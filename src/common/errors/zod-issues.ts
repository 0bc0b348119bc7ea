import type { ZodError } from 'zod';

export interface IssueDescription {
  /** Where the problem is, as code would write it: `rules[2].rules[0].value`. */
  path: string;
  message: string;
}

export function describeZodIssues(error: ZodError): IssueDescription[] {
  return error.issues.map((issue) => ({
    path: formatPath(issue.path) || '(root)',
    message: issue.message,
  }));
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}
