import { useState } from 'react';

/**
 * Copies a text to the clipboard and says so. Without clipboard access
 * (a page not served over HTTPS or from localhost) it says to copy by hand.
 */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [outcome, setOutcome] = useState<'copied' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setOutcome('copied');
    } catch {
      setOutcome('failed');
    }
  };
  return (
    <>
      <button type="button" aria-label={label} onClick={() => void copy()}>
        Copy
      </button>
      <span role="status" className="muted">
        {outcome === 'copied' && 'Copied'}
        {outcome === 'failed' && 'Select the text and copy it'}
      </span>
    </>
  );
}
