// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { RuleIssue, RuleNode } from '../../api/smart-playlists';
import { fromRules, placeIssues, toRules, type DraftRoot } from './draft';
import { today } from './fields';
import { RuleGroupEditor } from './RuleGroupEditor';

afterEach(cleanup);

/** The editor as the page holds it, with the API's tree it would send written out. */
function Harness({ rules, issues = [] }: { rules: RuleNode[]; issues?: RuleIssue[] }) {
  const [root, setRoot] = useState<DraftRoot>(() => ({ match: 'all', rules: fromRules(rules) }));
  return (
    <>
      <RuleGroupEditor
        group={root}
        indices={[]}
        onChange={setRoot}
        issues={placeIssues(issues, root.rules)}
      />
      <output data-testid="tree">
        {JSON.stringify({ match: root.match, rules: toRules(root.rules) })}
      </output>
    </>
  );
}

const tree = () => JSON.parse(screen.getByTestId('tree').textContent) as DraftRoot;
const control = (name: string) => screen.getByLabelText(name);
const change = (name: string, value: string) =>
  fireEvent.change(control(name), { target: { value } });
const click = (name: string) => fireEvent.click(screen.getByRole('button', { name }));
const optionsOf = (name: string) =>
  [...(control(name) as HTMLSelectElement).options].map((option) => option.value);

const RATED = { field: 'RATING', operator: 'GREATER_EQUAL', value: 4 } as const;

describe('the rule tree editor', () => {
  it('adds and removes rules and nested groups, giving the tree the API takes', () => {
    render(<Harness rules={[RATED]} />);

    click('Add rule');
    change('Rule 2 field', 'PLAY_COUNT');
    change('Rule 2 operator', 'GREATER_THAN');
    change('Rule 2 value', '5');

    click('Add group');
    change('Group 3 match', 'any');
    change('Rule 3.1 field', 'LIKED');
    click('Add rule to group 3');
    change('Rule 3.2 field', 'TAG');
    change('Rule 3.2 value', 'Chill');
    click('Add group to group 3');
    change('Rule 3.3.1 field', 'TRACK_NAME');
    change('Rule 3.3.1 value', 'live');
    change('Rule 3.3.1 operator', 'NOT_CONTAINS');

    expect(tree()).toEqual({
      match: 'all',
      rules: [
        RATED,
        { field: 'PLAY_COUNT', operator: 'GREATER_THAN', value: 5 },
        {
          match: 'any',
          rules: [
            { field: 'LIKED', operator: 'EQUALS', value: true },
            { field: 'TAG', operator: 'EQUALS', value: 'Chill' },
            {
              match: 'any',
              rules: [{ field: 'TRACK_NAME', operator: 'NOT_CONTAINS', value: 'live' }],
            },
          ],
        },
      ],
    });

    click('Remove rule 1');
    click('Remove rule 2.2');
    click('Remove group 2.2');
    change('Match', 'any');
    expect(tree()).toEqual({
      match: 'any',
      rules: [
        { field: 'PLAY_COUNT', operator: 'GREATER_THAN', value: 5 },
        { match: 'any', rules: [{ field: 'LIKED', operator: 'EQUALS', value: true }] },
      ],
    });
  });

  it('offers nesting only as deep as the server stores (5 levels)', () => {
    render(<Harness rules={[RATED]} />);
    click('Add group');
    click('Add group to group 2');
    click('Add group to group 2.2');
    // group 2.2.2 is at depth 3: its rules are at 4, and a group there would need a 6th level
    expect(screen.getByRole('button', { name: 'Add group to group 2.2.2' })).toBeTruthy();
    click('Add group to group 2.2.2');
    expect(screen.getByRole('button', { name: 'Add rule to group 2.2.2.2' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Add group to group 2.2.2.2' })).toBeNull();
  });

  it('resets the operator and value to ones the new field takes', () => {
    render(<Harness rules={[{ field: 'TRACK_NAME', operator: 'CONTAINS', value: 'love' }]} />);

    // entered the same way: both stay
    change('Rule 1 field', 'ARTIST_NAME');
    expect(tree().rules[0]).toEqual({ field: 'ARTIST_NAME', operator: 'CONTAINS', value: 'love' });

    // a rating takes no "contains": its own operator and value
    change('Rule 1 field', 'RATING');
    expect(tree().rules[0]).toEqual({ field: 'RATING', operator: 'GREATER_EQUAL', value: 4 });
    expect(optionsOf('Rule 1 value')).toContain('4.5');

    // between keeps the value as both ends; a date field takes between with days
    change('Rule 1 operator', 'BETWEEN');
    expect(tree().rules[0]).toEqual({ field: 'RATING', operator: 'BETWEEN', value: [4, 4] });
    change('Rule 1 field', 'LAST_PLAYED');
    expect(tree().rules[0]).toEqual({
      field: 'LAST_PLAYED',
      operator: 'BETWEEN',
      value: [today(), today()],
    });
    expect((control('Rule 1 from') as HTMLInputElement).type).toBe('date');

    // a relative period: amount and unit
    change('Rule 1 operator', 'IN_THE_LAST');
    change('Rule 1 amount', '3');
    change('Rule 1 unit', 'months');
    expect(tree().rules[0]).toEqual({
      field: 'LAST_PLAYED',
      operator: 'IN_THE_LAST',
      value: { amount: 3, unit: 'months' },
    });

    // the date added is never empty: no such operator offered
    change('Rule 1 field', 'ADDED_AT');
    expect(optionsOf('Rule 1 operator')).not.toContain('IS_EMPTY');
    expect(tree().rules[0]).toEqual({
      field: 'ADDED_AT',
      operator: 'IN_THE_LAST',
      value: { amount: 3, unit: 'months' },
    });

    // a tag takes no period: "is" and a tag to pick
    change('Rule 1 field', 'TAG');
    expect(tree().rules[0]).toMatchObject({ field: 'TAG', operator: 'EQUALS' });
    expect(tree().rules[0]).not.toHaveProperty('value');

    change('Rule 1 operator', 'IS_EMPTY');
    expect(tree().rules[0]).toEqual({ field: 'TAG', operator: 'IS_EMPTY', value: null });
    expect(screen.queryByLabelText('Rule 1 value')).toBeNull();
  });

  it('takes durations as m:ss and lists as chips', () => {
    render(<Harness rules={[{ field: 'DURATION', operator: 'LESS_THAN', value: 300_000 }]} />);
    expect((control('Rule 1 value') as HTMLInputElement).value).toBe('5:00');
    change('Rule 1 value', '3:30');
    expect(tree().rules[0]).toMatchObject({ value: 210_000 });

    change('Rule 1 field', 'PLAY_COUNT');
    change('Rule 1 operator', 'IN');
    change('Rule 1 value', '7');
    click('Add to rule 1');
    expect(tree().rules[0]).toEqual({ field: 'PLAY_COUNT', operator: 'IN', value: [10, 7] });
    click('Remove 10 from rule 1');
    expect(tree().rules[0]).toMatchObject({ value: [7] });
  });

  it('shows the server’s message at the rule its path names', () => {
    render(
      <Harness
        rules={[RATED, { match: 'any', rules: [RATED, { ...RATED, value: 4.2 }] }]}
        issues={[
          { path: 'rules[1].rules[1].value', message: 'expected steps of 0.5' },
          { path: 'rules[1].match', message: 'must be all or any' },
        ]}
      />,
    );
    const bad = screen.getByRole('group', { name: 'Rule 2.2' });
    expect(within(bad).getByRole('alert').textContent).toBe('expected steps of 0.5');
    const value = within(bad).getByLabelText('Rule 2.2 value');
    expect(value.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(value.getAttribute('aria-describedby')!)?.textContent).toBe(
      'expected steps of 0.5',
    );
    expect(within(bad).getByLabelText('Rule 2.2 field').getAttribute('aria-invalid')).toBeNull();
    expect(within(screen.getByRole('group', { name: 'Rule 1' })).queryByRole('alert')).toBeNull();
    expect(
      within(screen.getByRole('group', { name: 'Group 2' })).getAllByRole('alert')[0]!.textContent,
    ).toBe('must be all or any');
  });
});
