import { Injectable } from '@nestjs/common';
import type { Engine } from '../config/config.js';
import { ApiError } from '../common/errors/http-error.filter.js';
import { Database } from '../db/database.js';
import { SchemaService } from '../db/schema.service.js';

export interface Health {
  status: 'ok';
  engine: Engine;
  /** the last applied migration */
  migration: string | null;
}

@Injectable()
export class HealthService {
  constructor(
    private readonly database: Database,
    private readonly schema: SchemaService,
  ) {}

  async check(): Promise<Health> {
    const engine = this.database.engine;
    try {
      return { status: 'ok', engine, migration: await this.schema.current() };
    } catch (error) {
      throw new ApiError(503, 'database_unavailable', 'The database is unreachable', {
        status: 'unavailable',
        engine,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
