import { useEffect, useRef, useState, type ReactNode } from 'react';
import './confirm-button.css';

interface ConfirmButtonProps {
  /** the button's text, e.g. "Delete" */
  children: ReactNode;
  /** its accessible name when the text alone is ambiguous, e.g. "Delete Road trip" */
  label?: string;
  /** the question asked before acting, e.g. "Delete Road trip?" */
  question: string;
  /** the text of the button that acts */
  confirmText: string;
  onConfirm: () => void;
  disabled?: boolean;
}

/**
 * A destructive action that asks first, in place: the button turns into the
 * question with the action and Cancel. Focus moves to the action, Escape
 * cancels and gives focus back. Unlike window.confirm, it is styled, keeps
 * the page usable, and tests can drive it by role.
 */
export function ConfirmButton({
  children,
  label,
  question,
  confirmText,
  onConfirm,
  disabled,
}: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);

  useEffect(() => {
    if (asking) confirmRef.current?.focus();
    else if (wasAsking.current) triggerRef.current?.focus();
    wasAsking.current = asking;
  }, [asking]);

  if (!asking) {
    return (
      <button
        ref={triggerRef}
        type="button"
        aria-label={label}
        disabled={disabled}
        onClick={() => setAsking(true)}
      >
        {children}
      </button>
    );
  }
  return (
    <span
      className="confirm"
      role="group"
      aria-label={question}
      onKeyDown={(event) => {
        if (event.key === 'Escape') setAsking(false);
      }}
    >
      <span className="confirm-question">{question}</span>
      <button
        ref={confirmRef}
        type="button"
        className="danger"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmText}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
