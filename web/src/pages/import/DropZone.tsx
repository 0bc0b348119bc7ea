import { useId, useState, type DragEvent } from 'react';

/**
 * Where the export goes: drop files on it, or use it as the file input it is
 * (a real <input type="file"> inside the label, so Tab, Enter and Space and
 * screen readers all work, and tests can set files on it).
 */
export function DropZone({
  onFiles,
  disabled,
}: {
  onFiles: (files: File[]) => void;
  disabled?: boolean;
}) {
  const [over, setOver] = useState(false);
  const hintId = useId();
  const onDragOver = (event: DragEvent) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = disabled ? 'none' : 'copy';
    setOver(true);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    if (!disabled && event.dataTransfer.files.length) onFiles([...event.dataTransfer.files]);
  };
  return (
    <label
      className={`drop-zone${over ? ' over' : ''}${disabled ? ' disabled' : ''}`}
      onDragOver={onDragOver}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <span className="drop-zone-title">Choose export files</span>
      <span id={hintId} className="muted">
        Drop my_spotify_data.zip here, or its JSON files (several at once), or press to choose them.
      </span>
      <input
        type="file"
        multiple
        accept=".zip,.json,application/zip,application/json"
        aria-label="Choose export files"
        aria-describedby={hintId}
        disabled={disabled}
        onChange={(event) => {
          const files = [...(event.target.files ?? [])];
          event.target.value = '';
          if (files.length) onFiles(files);
        }}
      />
    </label>
  );
}
