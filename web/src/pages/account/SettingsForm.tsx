import { useId, useState, type FormEvent } from 'react';
import { useUpdateSettings, type Settings } from '../../api/account';
import { ErrorMessage } from '../../components/ErrorMessage';

/** The browser's own list of zones, for suggestions; the server checks the name either way. */
const TIME_ZONES: readonly string[] = Intl.supportedValuesOf?.('timeZone') ?? [];

/** Time zone and play threshold; the form starts from the saved settings. */
export function SettingsForm({ settings }: { settings: Settings }) {
  const [timeZone, setTimeZone] = useState(settings.timeZone);
  const [thresholdSeconds, setThresholdSeconds] = useState(String(settings.playThresholdMs / 1000));
  const update = useUpdateSettings();
  const zonesId = useId();
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({
      timeZone: timeZone.trim(),
      playThresholdMs: Math.round(Number(thresholdSeconds) * 1000),
    });
  };
  const changed =
    timeZone.trim() !== settings.timeZone ||
    Math.round(Number(thresholdSeconds) * 1000) !== settings.playThresholdMs;

  return (
    <form className="settings-form" onSubmit={submit}>
      <label>
        Time zone
        <input
          list={zonesId}
          value={timeZone}
          onChange={(event) => setTimeZone(event.target.value)}
          autoComplete="off"
          spellCheck={false}
          required
          maxLength={64}
        />
        <datalist id={zonesId}>
          {TIME_ZONES.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
        <span className="muted small">
          The days, weeks and hours of your statistics.
          {browserZone && browserZone !== timeZone && (
            <>
              {' '}
              <button type="button" className="link" onClick={() => setTimeZone(browserZone)}>
                Use this device’s ({browserZone})
              </button>
            </>
          )}
        </span>
      </label>
      <label>
        Play threshold (seconds)
        <input
          type="number"
          min={0}
          max={600}
          step={1}
          value={thresholdSeconds}
          onChange={(event) => setThresholdSeconds(event.target.value)}
          required
        />
        <span className="muted small">
          A play counts once you listened this long. Applies to plays recorded from now on.
        </span>
      </label>
      <div className="actions">
        <button type="submit" className="primary" disabled={update.isPending || !changed}>
          Save settings
        </button>
        {update.isSuccess && !changed && <span role="status">Saved</span>}
      </div>
      <ErrorMessage error={update.error} />
    </form>
  );
}
