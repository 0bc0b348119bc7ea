import { useProfile } from '../../api/account';
import { useSession } from '../../api/session';
import { ErrorMessage } from '../../components/ErrorMessage';
import { ApiTokens } from './ApiTokens';
import { CopyButton } from './CopyButton';
import { SettingsForm } from './SettingsForm';
import { SignOutButton } from './SignOutButton';
import './account.css';

/** Settings, API tokens and the scrobbler address; signing out in multi-user mode. */
export function AccountPage() {
  const profile = useProfile();
  const session = useSession().data;
  return (
    <section className="account-page">
      <h1>Account</h1>
      {profile.isPending && <p className="status">Loading…</p>}
      <ErrorMessage error={profile.error} />
      {profile.data && (
        <section className="panel" aria-labelledby="settings-heading">
          <h2 id="settings-heading">Settings</h2>
          <p className="muted">
            Signed in as <strong>{profile.data.displayName ?? profile.data.username}</strong>
            {session?.mode === 'local' && ' (this Spotlib has one user: no sign-in needed)'}.
          </p>
          {/* keyed: a form starts from the saved settings, again after they change */}
          <SettingsForm
            key={`${profile.data.settings.timeZone}/${profile.data.settings.playThresholdMs}`}
            settings={profile.data.settings}
          />
        </section>
      )}
      <ScrobblerSetup />
      <ApiTokens />
      {session?.mode === 'multi' && session.user && (
        <section className="panel" aria-labelledby="session-heading">
          <h2 id="session-heading">Session</h2>
          <SignOutButton username={session.user.username} />
        </section>
      )}
    </section>
  );
}

function ScrobblerSetup() {
  const url = `${window.location.origin}/api/listenbrainz`;
  return (
    <section className="panel" aria-labelledby="scrobbler-heading">
      <h2 id="scrobbler-heading">Scrobbling from a player</h2>
      <p className="muted">
        Spotlib speaks the ListenBrainz API. In your player’s ListenBrainz scrobbler, set the server
        URL to this address, and the token to one created below.
      </p>
      <div className="inline-row">
        <input
          readOnly
          aria-label="ListenBrainz server URL"
          value={url}
          className="token-value"
          onFocus={(event) => event.target.select()}
        />
        <CopyButton text={url} label="Copy the ListenBrainz server URL" />
      </div>
    </section>
  );
}
