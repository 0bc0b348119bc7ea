import { MAX_DEPTH, type Match } from '../../api/smart-playlists';
import {
  isDraftGroup,
  newCondition,
  newGroup,
  nodeName,
  nodePath,
  type DraftGroup,
  type DraftNode,
  type DraftRoot,
  type IssuesByNode,
} from './draft';
import { IssueList } from './IssueList';
import { RuleRow } from './RuleRow';

interface Props<G extends DraftRoot> {
  group: G;
  /** [] for the whole tree; [2] for "Group 3" */
  indices: number[];
  onChange: (group: G) => void;
  /** absent at the top */
  onRemove?: () => void;
  issues: IssuesByNode;
}

/**
 * A group of rules matched all or any, its rows and its nested groups at any
 * depth the server stores (MAX_DEPTH). The top of the tree is a group too.
 */
export function RuleGroupEditor<G extends DraftRoot>({
  group,
  indices,
  onChange,
  onRemove,
  issues,
}: Props<G>) {
  const top = indices.length === 0;
  const name = top ? 'Rules' : nodeName(indices, true);
  const to = top ? '' : ` to ${name.toLowerCase()}`;
  // a new group sits one level below this one and holds rules one further down
  const canNest = indices.length + 2 <= MAX_DEPTH;
  const setRules = (rules: DraftNode[]) => onChange({ ...group, rules });
  const replace = (index: number, node: DraftNode) =>
    setRules(group.rules.map((other, i) => (i === index ? node : other)));
  const remove = (index: number) => setRules(group.rules.filter((_, i) => i !== index));
  return (
    <fieldset className={top ? 'rule-tree' : 'rule-group'}>
      <legend>{name}</legend>
      <div className="group-head">
        <span aria-hidden="true">{top ? 'Tracks matching' : 'Matching'}</span>
        <select
          aria-label={top ? 'Match' : `${name} match`}
          value={group.match}
          onChange={(event) => onChange({ ...group, match: event.target.value as Match })}
        >
          <option value="all">all</option>
          <option value="any">any</option>
        </select>
        <span aria-hidden="true">of these rules</span>
        {onRemove && (
          <button type="button" className="remove" onClick={onRemove}>
            Remove group
            <span className="smart-visually-hidden"> {indices.map((i) => i + 1).join('.')}</span>
          </button>
        )}
      </div>
      <IssueList issues={issues.get(nodePath(indices)) ?? []} />
      {group.rules.length === 0 ? (
        <p className="muted">
          {top
            ? 'No rules: every track of your library matches.'
            : 'No rules in this group: add one, or remove the group.'}
        </p>
      ) : (
        <ol className="rule-list">
          {group.rules.map((node, i) => {
            const at = [...indices, i];
            return (
              <li key={node.id}>
                {isDraftGroup(node) ? (
                  <RuleGroupEditor<DraftGroup>
                    group={node}
                    indices={at}
                    onChange={(next) => replace(i, next)}
                    onRemove={() => remove(i)}
                    issues={issues}
                  />
                ) : (
                  <RuleRow
                    rule={node}
                    indices={at}
                    onChange={(next) => replace(i, next)}
                    onRemove={() => remove(i)}
                    issues={issues.get(nodePath(at)) ?? []}
                  />
                )}
              </li>
            );
          })}
        </ol>
      )}
      <div className="group-actions">
        <button type="button" onClick={() => setRules([...group.rules, newCondition()])}>
          Add rule<span className="smart-visually-hidden">{to}</span>
        </button>
        {canNest && (
          <button type="button" onClick={() => setRules([...group.rules, newGroup()])}>
            Add group<span className="smart-visually-hidden">{to}</span>
          </button>
        )}
      </div>
    </fieldset>
  );
}
