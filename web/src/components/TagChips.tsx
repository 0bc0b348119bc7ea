import type { CSSProperties } from 'react';
import type { TrackTag } from '../api/tags';
import './TagChips.css';

interface TagChipsProps {
  tags: TrackTag[];
  /** what carries the tags, for the remove buttons' labels (e.g. the track's name) */
  owner?: string;
  /** shows a remove button on each chip */
  onRemove?: (tag: TrackTag) => void;
}

/** A tag's colour as a dot before its name; uncoloured tags keep the muted look. */
function chipStyle(tag: TrackTag): CSSProperties | undefined {
  return tag.color ? ({ '--tag-color': tag.color } as CSSProperties) : undefined;
}

/** Tags as small chips, each removable when `onRemove` is given. */
export function TagChips({ tags, owner, onRemove }: TagChipsProps) {
  if (tags.length === 0) return null;
  return (
    <ul className="tag-chips" aria-label={owner ? `Tags of ${owner}` : 'Tags'}>
      {tags.map((tag) => (
        <li key={tag.id} className="tag-chip" style={chipStyle(tag)}>
          <span className="tag-chip-name">{tag.name}</span>
          {onRemove && (
            <button
              type="button"
              className="tag-chip-remove"
              aria-label={owner ? `Remove tag ${tag.name} from ${owner}` : `Remove tag ${tag.name}`}
              onClick={() => onRemove(tag)}
            >
              ×
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
