import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import { ApiError } from '../common/errors/http-error.filter.js';
import { UsersRepository } from './users.repository.js';

export interface Profile {
  id: number;
  username: string;
  displayName: string | null;
  settings: { timeZone: string; playThresholdMs: number };
}

@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

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
}
