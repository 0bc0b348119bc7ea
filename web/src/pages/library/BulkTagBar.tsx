import { useState, type FormEvent } from 'react';
import { useCreateTag, useTagTracks, useTags, type TrackTag } from '../../api/tags';
import { ErrorMessage } from '../../components/ErrorMessage';
import type { Selection } from './useSelection';

const plural = (n: number) => `${n} ${n === 1 ? 'track' : 'tracks'}`;

/** Tags the selected tracks: pick a tag (or create one) and add it to or remove it from them all. */
export function BulkTagBar({ selection }: { selection: Selection }) {
  const tags = useTags();
  const createTag = useCreateTag();
  const tagTracks = useTagTracks();
  const [tagId, setTagId] = useState('');
  const [newName, setNewName] = useState('');
  const [done, setDone] = useState('');
  const count = selection.ids.size;
  if (count === 0) return null;

  const chosen = tags.data?.find((tag) => String(tag.id) === tagId);

  const apply = (action: 'add' | 'remove', tag: TrackTag) => {
    setDone('');
    const trackIds = [...selection.ids];
    tagTracks.mutate(
      { trackIds, [action]: [tag] },
      {
        onSuccess: () =>
          setDone(
            action === 'add'
              ? `Tagged ${plural(trackIds.length)} “${tag.name}”.`
              : `Removed “${tag.name}” from ${plural(trackIds.length)}.`,
          ),
      },
    );
  };

  const create = (event: FormEvent) => {
    event.preventDefault();
    const name = newName.trim();
    if (!name) return;
    createTag.mutate(
      { name },
      {
        onSuccess: (tag) => {
          setTagId(String(tag.id));
          setNewName('');
        },
      },
    );
  };

  return (
    <div className="bulk-bar" role="region" aria-label="Selection">
      <strong>{count} selected</strong>
      <label className="filter">
        <span>Tag to apply</span>
        <select value={tagId} onChange={(event) => setTagId(event.target.value)}>
          <option value="">Choose a tag…</option>
          {tags.data?.map((tag) => (
            <option key={tag.id} value={tag.id}>
              {tag.name}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="primary"
        disabled={!chosen || tagTracks.isPending}
        onClick={() => chosen && apply('add', chosen)}
      >
        Add tag
      </button>
      <button
        type="button"
        disabled={!chosen || tagTracks.isPending}
        onClick={() => chosen && apply('remove', chosen)}
      >
        Remove tag
      </button>
      <form className="new-tag" onSubmit={create}>
        <label className="filter">
          <span>New tag</span>
          <input
            value={newName}
            maxLength={100}
            placeholder="Name"
            onChange={(event) => setNewName(event.target.value)}
          />
        </label>
        <button type="submit" disabled={!newName.trim() || createTag.isPending}>
          Create tag
        </button>
      </form>
      <button type="button" className="link" onClick={selection.clear}>
        Clear selection
      </button>
      <p className="bulk-status" role="status">
        {done}
      </p>
      <ErrorMessage error={createTag.error ?? tagTracks.error} />
    </div>
  );
}
