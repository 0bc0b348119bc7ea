import { useEffect, useState, type FormEvent } from 'react';

/** How long typing pauses before the list follows. */
const DEBOUNCE_MS = 250;

interface SearchBoxProps {
  /** the search the list shows now */
  value: string;
  onSearch: (text: string) => void;
}

/** Search as you type (debounced); Enter searches at once. */
export function SearchBox({ value, onSearch }: SearchBoxProps) {
  const [text, setText] = useState(value);
  const [shown, setShown] = useState(value);
  // the search changed elsewhere (a cleared filter, the back button): show it,
  // unless it is what is being typed (keeping a trailing space mid-word)
  if (value !== shown) {
    setShown(value);
    if (text.trim() !== value) setText(value);
  }

  useEffect(() => {
    if (text.trim() === value) return;
    const timer = setTimeout(() => onSearch(text.trim()), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, value, onSearch]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch(text.trim());
  };

  return (
    <form role="search" className="search-box" onSubmit={submit}>
      <input
        type="search"
        aria-label="Search tracks"
        placeholder="Search titles, artists, albums"
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
    </form>
  );
}
