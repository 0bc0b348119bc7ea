import { useActiveDemo, useLeaveDemo, useRemoveDemo } from '../api/demo';
import { ErrorMessage } from './ErrorMessage';
import './demo-banner.css';

/** Across the app while it shows demo data: says so, and the ways back. */
export function DemoBanner() {
  const demo = useActiveDemo();
  const leave = useLeaveDemo();
  const remove = useRemoveDemo();
  if (!demo) return null;
  return (
    <aside className="demo-banner" aria-label="Demo data">
      <p>
        <strong>You are looking at demo data</strong>, not your own library. Nothing you do here
        touches it.
      </p>
      <div className="demo-banner-actions">
        <button type="button" onClick={() => void leave()} disabled={remove.isPending}>
          Leave demo
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => remove.mutate()}
          disabled={remove.isPending}
        >
          {remove.isPending ? 'Removing…' : 'Remove demo data'}
        </button>
      </div>
      <ErrorMessage error={remove.error} />
    </aside>
  );
}
