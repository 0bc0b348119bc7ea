import { useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import {
  issuesOf,
  useRefreshSmartPlaylist,
  useSaveSmartPlaylist,
  useSmartPlaylist,
  useSmartPreview,
  type RuleIssue,
  type RuleTree,
  type SmartDefinition,
  type SmartPlaylist,
} from '../../api/smart-playlists';
import { ErrorMessage } from '../../components/ErrorMessage';
import {
  firstUnfinished,
  fromRules,
  newCondition,
  placeIssues,
  toLimit,
  toRules,
  type DraftLimit,
  type DraftRoot,
} from './draft';
import { IssueList } from './IssueList';
import { LimitEditor } from './LimitEditor';
import { PreviewPanel } from './PreviewPanel';
import { RuleGroupEditor } from './RuleGroupEditor';
import { formatWhen } from './when';
import { useDebouncedValue } from './useDebouncedValue';

const PREVIEW_DELAY_MS = 350;

interface Draft {
  name: string;
  description: string;
  root: DraftRoot;
  limit: DraftLimit | null;
}

function draftOf(playlist: SmartPlaylist | null): Draft {
  if (!playlist) {
    return {
      name: '',
      description: '',
      root: { match: 'all', rules: [newCondition()] },
      limit: null,
    };
  }
  return {
    name: playlist.name,
    description: playlist.description ?? '',
    root: { match: playlist.match, rules: fromRules(playlist.rules) },
    limit: playlist.limit,
  };
}

function definitionOf(draft: Draft): SmartDefinition {
  return {
    name: draft.name,
    description: draft.description.trim() === '' ? null : draft.description,
    match: draft.root.match,
    rules: toRules(draft.root.rules),
    limit: toLimit(draft.limit),
  };
}

const sameIssue = (a: RuleIssue, b: RuleIssue) => a.path === b.path && a.message === b.message;

/**
 * The editor of one smart playlist (or a new one): name, rule tree, limit, a
 * live preview as you edit, save and refresh. The server's complaints appear
 * at the rule they name.
 */
export function SmartPlaylistEditor({
  id,
  initial,
}: {
  id: number | null;
  initial: SmartPlaylist | null;
}) {
  const navigate = useNavigate();
  const [draft, setDraft] = useState(() => draftOf(initial));
  const [savedJson, setSavedJson] = useState(() => JSON.stringify(definitionOf(draft)));
  const stored = useSmartPlaylist(id).data ?? initial;
  const save = useSaveSmartPlaylist(id);
  const refresh = useRefreshSmartPlaylist(id);

  const edit = (change: Partial<Draft>) => {
    // the last save's messages name paths of the tree as it was
    if (!save.isIdle) save.reset();
    refresh.reset();
    setDraft((current) => ({ ...current, ...change }));
  };

  const definition = useMemo(() => definitionOf(draft), [draft]);
  const definitionJson = JSON.stringify(definition);
  const limitUnfinished = draft.limit !== null && !Number.isInteger(draft.limit.count);
  const unfinished = firstUnfinished(draft.root.rules) ?? (limitUnfinished ? 'The limit' : null);
  const treeJson = unfinished
    ? null
    : JSON.stringify({ match: definition.match, rules: definition.rules, limit: definition.limit });
  const settledJson = useDebouncedValue(treeJson, PREVIEW_DELAY_MS);
  const settledTree = useMemo(
    () => (settledJson === null ? null : (JSON.parse(settledJson) as RuleTree)),
    [settledJson],
  );
  const preview = useSmartPreview(settledTree);
  const previewCurrent = settledJson !== null && settledJson === treeJson;

  const found = [...issuesOf(save.error), ...(previewCurrent ? issuesOf(preview.error) : [])];
  const issues = placeIssues(
    found.filter((issue, i) => found.findIndex((other) => sameIssue(issue, other)) === i),
    draft.root.rules,
  );
  const elsewhere = [...issues.entries()]
    .filter(
      ([key]) => !['', 'name', 'description', 'limit'].includes(key) && !key.startsWith('rules['),
    )
    .flatMap(([, list]) => list);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(definition, {
      onSuccess: (saved) => {
        setSavedJson(definitionJson);
        if (id === null) void navigate(`/smart/${saved.id}`, { replace: true });
      },
    });
  };

  return (
    <section className="smart-editor">
      <p className="back">
        <Link to="/smart">← All smart playlists</Link>
      </p>
      <h1>{stored?.name ?? 'New smart playlist'}</h1>
      {stored && (
        <p className="muted">
          {stored.trackCount.toLocaleString()} {stored.trackCount === 1 ? 'track' : 'tracks'} at the
          last refresh, {formatWhen(stored.evaluatedAt)}
        </p>
      )}
      <div className="smart-editor-layout">
        <form className="smart-form" onSubmit={submit} noValidate>
          <label>
            Name
            <input
              value={draft.name}
              maxLength={200}
              aria-invalid={issues.has('name') || undefined}
              onChange={(event) => edit({ name: event.target.value })}
            />
          </label>
          <IssueList issues={issues.get('name') ?? []} />
          <label>
            Description
            <textarea
              rows={2}
              value={draft.description}
              maxLength={2000}
              onChange={(event) => edit({ description: event.target.value })}
            />
          </label>
          <IssueList issues={issues.get('description') ?? []} />
          <RuleGroupEditor
            group={draft.root}
            indices={[]}
            onChange={(root) => edit({ root })}
            issues={issues}
          />
          <LimitEditor
            limit={draft.limit}
            onChange={(limit) => edit({ limit })}
            issues={issues.get('limit') ?? []}
          />
          <div className="form-actions">
            <button type="submit" className="primary" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : 'Save'}
            </button>
            {id !== null && (
              <button
                type="button"
                disabled={refresh.isPending || savedJson !== definitionJson}
                title={
                  savedJson !== definitionJson
                    ? 'Save first: a refresh uses the saved rules'
                    : undefined
                }
                onClick={() => refresh.mutate()}
              >
                {refresh.isPending ? 'Refreshing…' : 'Refresh'}
              </button>
            )}
            <SaveStatus
              saved={save.isSuccess}
              refreshed={refresh.data?.trackCount}
              dirty={savedJson !== definitionJson}
              failed={save.isError && issuesOf(save.error).length > 0}
            />
          </div>
          <IssueList issues={elsewhere} />
          {!(save.error instanceof ApiError && save.error.status === 400) && (
            <ErrorMessage error={save.error} />
          )}
          <ErrorMessage error={refresh.error} />
        </form>
        <PreviewPanel
          preview={preview}
          unfinished={unfinished}
          pending={settledJson !== treeJson}
        />
      </div>
    </section>
  );
}

function SaveStatus({
  saved,
  refreshed,
  dirty,
  failed,
}: {
  saved: boolean;
  refreshed: number | undefined;
  dirty: boolean;
  failed: boolean;
}) {
  let text = '';
  if (failed) text = 'Not saved: see the marked fields.';
  else if (refreshed !== undefined) text = `Refreshed: ${refreshed.toLocaleString()} tracks.`;
  else if (saved && !dirty) text = 'Saved.';
  else if (dirty) text = 'Unsaved changes.';
  return (
    <span role="status" className={failed ? 'error' : 'muted'}>
      {text}
    </span>
  );
}
