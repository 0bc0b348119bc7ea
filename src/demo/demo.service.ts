import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ApiTokenService } from '../auth/api-token.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { ApiError } from '../common/errors/http-error.filter.js';
import { GeneratorService } from '../generator/generator.service.js';
import { DEMO_SCALE } from '../generator/scales.js';
import { DemoRepository } from './demo.repository.js';

export interface DemoProfile {
  username: string;
  tracks: number;
  plays: number;
}

export interface EnteredDemo extends DemoProfile {
  /** an API token of the demo user: the web app sends it while in the demo */
  token: string;
}

/** The generated world is the same for every demo profile. */
const DEMO_SEED = 1;

/**
 * A user's demo profile: a separate user filled with a small generated
 * library and history, so demo data never mixes with the user's own; it
 * goes in one click (deleting that user). Only its owner enters or removes it.
 */
@Injectable()
export class DemoService {
  constructor(
    private readonly demos: DemoRepository,
    private readonly generator: GeneratorService,
    private readonly tokens: ApiTokenService,
  ) {}

  async find(user: AuthUser): Promise<DemoProfile | null> {
    const demo = await this.demos.findOf(user.id);
    return demo ? { username: demo.username, ...(await this.demos.sizeOf(demo.id)) } : null;
  }

  /** The user's demo profile, made on first use, with a fresh token to act as it. */
  async enter(user: AuthUser): Promise<EnteredDemo> {
    if (await this.demos.isDemoUser(user.id)) {
      throw new ApiError(403, 'demo_profile', 'A demo profile has no demo profile of its own');
    }
    const demo = (await this.demos.findOf(user.id)) ?? (await this.create(user));
    const { token } = await this.tokens.create({ id: demo.id }, 'Demo data (web app)');
    return { username: demo.username, token, ...(await this.demos.sizeOf(demo.id)) };
  }

  async remove(user: AuthUser): Promise<void> {
    const demo = await this.demos.findOf(user.id);
    if (!demo) throw new ApiError(404, 'not_found', 'You have no demo profile');
    await this.demos.deleteDemoUser(demo.id);
  }

  private async create(user: AuthUser): Promise<{ id: number; username: string }> {
    // A random suffix: a name someone may register later cannot be foreseen.
    const username = `demo-${user.id}-${randomBytes(4).toString('hex')}`;
    const created = await this.demos.create(user.id, username);
    if (!created) {
      // Another request made one first: use that one.
      const existing = await this.demos.findOf(user.id);
      if (existing) return existing;
      throw new ApiError(409, 'conflict', 'Could not name the demo profile: try again');
    }
    try {
      await this.generator.fillUser(created.id, DEMO_SCALE, DEMO_SEED);
    } catch (error) {
      // no half-filled demo for the next click to find
      await this.demos.deleteDemoUser(created.id);
      throw error;
    }
    return created;
  }
}
