import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import { ApiError } from '../common/errors/http-error.filter.js';
import { describeZodIssues } from '../common/errors/zod-issues.js';
import { fromNsp } from './nsp.js';
import { smartDefinitionSchema } from './smart-playlists.dto.js';
import { SmartPlaylistsService } from './smart-playlists.service.js';

/** Smart playlists from other tools' files: Navidrome's .nsp. */
@Injectable()
export class SmartPlaylistsImportService {
  constructor(private readonly smart: SmartPlaylistsService) {}

  /**
   * Creates the playlist from what maps and lists what did not; a file that
   * cannot stand as a playlist (bad JSON, both all and any at the top) is a
   * 400 listing every problem found.
   */
  async fromNsp(user: AuthUser, text: string, name: string | undefined) {
    const { definition, problems } = fromNsp(text, name ?? 'Imported smart playlist');
    const invalid = (found: { path: string; message: string }[]) =>
      new ApiError(
        400,
        'invalid_nsp',
        `The .nsp file cannot be imported: ${found.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
        { problems: found },
      );
    if (definition === null) throw invalid(problems);
    const checked = smartDefinitionSchema.safeParse(definition);
    if (!checked.success) throw invalid([...problems, ...describeZodIssues(checked.error)]);
    const playlist = await this.smart.create(user, checked.data);
    return { playlist, problems };
  }
}
