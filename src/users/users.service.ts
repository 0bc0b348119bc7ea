import { Injectable } from '@nestjs/common';
import { Kysely } from 'kysely';
import type { AuthUser } from '../auth/auth-user.js';
import { ApiError } from '../common/errors/http-error.filter.js';
import type { DB } from '../db/schema.js';
import { RollupsRebuilder } from '../stats/rollups-rebuilder.service.js';
import { RollupsRepository } from '../stats/rollups.repository.js';
import { UsersRepository } from './users.repository.js';

export interface Profile {
  id: number;
  username: string;
  displayName: string | null;
  settings: { timeZone: string; playThresholdMs: number };
}

@Injectable()
export class UsersService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly users: UsersRepository,
    private readonly rollups: RollupsRepository,
    private readonly rebuilder: RollupsRebuilder,
  ) {}

  async profile(user: AuthUser): Promise<Profile> {
    const row = await this.users.findProfile(user.id);
    if (!row) throw new ApiError(404, 'not_found', 'User not found');
    return {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      settings: { timeZone: row.time_zone, playThresholdMs: row.play_threshold_ms },
    };
  }

  /**
   * Changes settings. A new time zone re-keys the statistics: the user's
   * rollups are rebuilt in the background and answers read the plays
   * meanwhile. A new play threshold applies to plays recorded from now on.
   */
  async updateSettings(
    user: AuthUser,
    changes: { timeZone?: string | undefined; playThresholdMs?: number | undefined },
  ): Promise<Profile> {
    if (changes.timeZone !== undefined && !(await this.users.knowsTimeZone(changes.timeZone))) {
      throw new ApiError(400, 'invalid_time_zone', `Unknown time zone "${changes.timeZone}"`);
    }
    const { zoneChanged } = await this.db.transaction().execute(async (trx) => {
      const result = await this.users.updateSettings(trx, user.id, changes);
      if (result.zoneChanged) await this.rollups.markStale(trx, user.id);
      return result;
    });
    if (zoneChanged) void this.rebuilder.rebuildSoon(user.id);
    return this.profile(user);
  }
}
