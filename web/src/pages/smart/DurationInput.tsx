import { useState, type InputHTMLAttributes } from 'react';
import { formatDuration, parseDuration } from './duration';

interface Props extends Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'> {
  value: number | undefined;
  onChange: (ms: number | undefined) => void;
}

/**
 * Milliseconds typed as m:ss (or h:mm:ss). The text is kept as typed while it
 * is half-written ("3:" on the way to "3:30"); the value is undefined until
 * it reads as a duration.
 */
export function DurationInput({ value, onChange, ...rest }: Props) {
  const [text, setText] = useState(() => (value === undefined ? '' : formatDuration(value)));
  const [known, setKnown] = useState(value);
  // a value changed from outside (another operator, a reset) replaces the text
  if (value !== known) {
    setKnown(value);
    if (value !== parseDuration(text)) setText(value === undefined ? '' : formatDuration(value));
  }
  const unreadable = text.trim() !== '' && parseDuration(text) === undefined;
  return (
    <input
      {...rest}
      type="text"
      inputMode="numeric"
      placeholder="m:ss"
      value={text}
      aria-invalid={unreadable || rest['aria-invalid'] === true || undefined}
      title="minutes:seconds, e.g. 3:30 (or h:mm:ss)"
      onChange={(event) => {
        const next = parseDuration(event.target.value);
        setText(event.target.value);
        setKnown(next);
        onChange(next);
      }}
      onBlur={() => {
        if (known !== undefined) setText(formatDuration(known));
      }}
    />
  );
}
