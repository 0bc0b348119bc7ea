import type { PlacedIssue } from './draft';
import { inFieldWords } from './fields';

/** The server's words about one part of the form, where that part is. */
export function IssueList({ id, issues }: { id?: string; issues: readonly PlacedIssue[] }) {
  if (issues.length === 0) return null;
  return (
    <ul id={id} className="issues error" role="alert">
      {issues.map((issue, i) => (
        <li key={i}>{inFieldWords(issue.message)}</li>
      ))}
    </ul>
  );
}
