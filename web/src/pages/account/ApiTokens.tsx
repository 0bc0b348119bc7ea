import { useState, type FormEvent } from 'react';
import {
  useApiTokens,
  useCreateApiToken,
  useRevokeApiToken,
  type ApiToken,
  type CreatedToken,
} from '../../api/account';
import { ErrorMessage } from '../../components/ErrorMessage';
import { ConfirmButton } from '../../components/ConfirmButton';
import { CopyButton } from './CopyButton';

const date = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString() : 'never');

/** Tokens for scrobblers and scripts: create (shown once), list, revoke. */
export function ApiTokens() {
  const tokens = useApiTokens();
  const [created, setCreated] = useState<CreatedToken | null>(null);
  return (
    <section className="panel" aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">API tokens</h2>
      <p className="muted">
        For scrobblers, scripts and the CLI. A token acts as you: give each app its own, and revoke
        one you no longer use.
      </p>
      <NewTokenForm onCreated={setCreated} />
      {created && <NewToken token={created} onDone={() => setCreated(null)} />}
      {tokens.isPending && <p className="status">Loading tokens…</p>}
      <ErrorMessage error={tokens.error} />
      {tokens.data?.length === 0 && <p className="muted">No tokens yet.</p>}
      {!!tokens.data?.length && (
        <ul className="token-list" aria-label="Your API tokens">
          {tokens.data.map((token) => (
            <TokenRow key={token.id} token={token} />
          ))}
        </ul>
      )}
    </section>
  );
}

function NewTokenForm({ onCreated }: { onCreated: (token: CreatedToken) => void }) {
  const [name, setName] = useState('');
  const create = useCreateApiToken();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(name.trim(), {
      onSuccess: (token) => {
        setName('');
        onCreated(token);
      },
    });
  };
  return (
    <form className="inline-row" onSubmit={submit}>
      <label>
        Token name
        <input
          value={name}
          onChange={(event) => setName(event.target.value)}
          placeholder="e.g. Phone scrobbler"
          maxLength={100}
          required
        />
      </label>
      <button type="submit" className="primary" disabled={create.isPending || !name.trim()}>
        Create token
      </button>
      <ErrorMessage error={create.error} />
    </form>
  );
}

function NewToken({ token, onDone }: { token: CreatedToken; onDone: () => void }) {
  return (
    <div className="new-token" role="status">
      <p>
        <strong>Your new token “{token.name}”.</strong> Copy it now: it is not shown again.
      </p>
      <div className="inline-row">
        <input
          readOnly
          aria-label="New API token"
          value={token.token}
          className="token-value"
          onFocus={(event) => event.target.select()}
        />
        <CopyButton text={token.token} label="Copy the new token" />
        <button type="button" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

function TokenRow({ token }: { token: ApiToken }) {
  const revoke = useRevokeApiToken();
  return (
    <li>
      <span className="token-name">{token.name}</span>
      <span className="muted">{token.hint}</span>
      <span className="muted small">
        created {date(token.createdAt)} · last used {date(token.lastUsedAt)}
      </span>
      <ConfirmButton
        label={`Revoke ${token.name}`}
        question={`Revoke “${token.name}”? Apps using it stop working.`}
        confirmText="Revoke token"
        disabled={revoke.isPending}
        onConfirm={() => revoke.mutate(token.id)}
      >
        Revoke
      </ConfirmButton>
      <ErrorMessage error={revoke.error} />
    </li>
  );
}
