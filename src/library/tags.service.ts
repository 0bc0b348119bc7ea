import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import { ApiError } from '../common/errors/http-error.filter.js';
import { nameKey } from '../db/sort-key.js';
import { LibraryRepository } from './library.repository.js';
import { TagsRepository, type TagRow } from './tags.repository.js';

export type Tag = Omit<TagRow, 'trackCount'>;

const notFound = (what: string) => new ApiError(404, 'not_found', `No ${what} of yours`);
const taken = (name: string) =>
  new ApiError(409, 'tag_exists', `You already have a tag named "${name}" (case aside)`);

/** Tags: unique by name per user whatever the case, on any number of tracks at once. */
@Injectable()
export class TagsService {
  constructor(
    private readonly tags: TagsRepository,
    private readonly library: LibraryRepository,
  ) {}

  list(user: AuthUser): Promise<TagRow[]> {
    return this.tags.list(user.id);
  }

  async create(user: AuthUser, tag: { name: string; color?: string | null | undefined }) {
    const created = await this.tags.create(user.id, {
      name: tag.name,
      nameKey: nameKey(tag.name),
      color: tag.color ?? null,
    });
    if (!created) throw taken(tag.name);
    return created;
  }

  async update(user: AuthUser, id: number, changes: { name?: string; color?: string | null }) {
    const updated = await this.tags.update(user.id, id, {
      ...changes,
      ...(changes.name !== undefined ? { nameKey: nameKey(changes.name) } : {}),
    });
    if (updated === 'taken') throw taken(changes.name!);
    if (!updated) throw notFound(`tag ${id}`);
    return updated;
  }

  async delete(user: AuthUser, id: number): Promise<void> {
    if (!(await this.tags.delete(user.id, id))) throw notFound(`tag ${id}`);
  }

  /** Adds and removes tags on many tracks; every id must be the user's, else nothing changes. */
  async tagTracks(
    user: AuthUser,
    change: { trackIds: number[]; add: number[]; remove: number[] },
  ): Promise<{ added: number; removed: number }> {
    const missingTags = await this.tags.missingTags(user.id, [...change.add, ...change.remove]);
    if (missingTags.length) throw notFound(`tag ${missingTags.join(', ')}`);
    const missingTracks = await this.library.missingTracks(user.id, change.trackIds);
    if (missingTracks.length) throw notFound(`track ${missingTracks.join(', ')}`);
    return this.tags.changeTrackTags(user.id, change);
  }
}
