import { useId } from 'react';
import type { RuleField, RuleOperator } from '../../api/smart-playlists';
import { nodeName, withField, withOperator, type DraftCondition, type PlacedIssue } from './draft';
import { FIELD_ORDER, FIELD_UI, operatorLabel, operatorsOf } from './fields';
import { IssueList } from './IssueList';
import { ValueInput } from './ValueInput';

interface Props {
  rule: DraftCondition;
  /** its position from the top: [1, 0] is "Rule 2.1" */
  indices: number[];
  onChange: (rule: DraftCondition) => void;
  onRemove: () => void;
  /** what the server said about this rule */
  issues: readonly PlacedIssue[];
}

/** One condition: field, operator, value; the server's complaints about it right under it. */
export function RuleRow({ rule, indices, onChange, onRemove, issues }: Props) {
  const name = nodeName(indices, false);
  const issuesId = useId();
  const describedBy = issues.length > 0 ? issuesId : undefined;
  const faulty = (part: string) => issues.some((issue) => issue.part === part);
  return (
    <div role="group" aria-label={name} className="rule-row" data-invalid={issues.length > 0}>
      <select
        aria-label={`${name} field`}
        aria-invalid={faulty('field') || undefined}
        aria-describedby={describedBy}
        value={rule.field}
        onChange={(event) => onChange(withField(rule, event.target.value as RuleField))}
      >
        {FIELD_ORDER.map((field) => (
          <option key={field} value={field}>
            {FIELD_UI[field].label}
          </option>
        ))}
      </select>
      <select
        aria-label={`${name} operator`}
        aria-invalid={faulty('operator') || undefined}
        aria-describedby={describedBy}
        value={rule.operator}
        onChange={(event) => onChange(withOperator(rule, event.target.value as RuleOperator))}
      >
        {operatorsOf(rule.field).map((operator) => (
          <option key={operator} value={operator}>
            {operatorLabel(rule.field, operator)}
          </option>
        ))}
      </select>
      <ValueInput
        rule={rule}
        name={name}
        onChange={(value) => onChange({ ...rule, value })}
        invalid={faulty('value')}
        describedBy={describedBy}
      />
      <button type="button" className="remove" onClick={onRemove}>
        Remove<span className="smart-visually-hidden"> {name.toLowerCase()}</span>
      </button>
      <IssueList id={issuesId} issues={issues} />
    </div>
  );
}
