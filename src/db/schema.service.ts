import { Injectable } from '@nestjs/common';
import { Migrator, type MigrationState } from './migrator.js';
import { PlayHistoryPartitions } from './partitions.js';

export interface MigrateResult {
  applied: string[];
  partitionsCreated: number;
  current: string | null;
}

/** Brings the schema up to date: migrations, then the history partitions they need. */
@Injectable()
export class SchemaService {
  constructor(
    private readonly migrator: Migrator,
    private readonly partitions: PlayHistoryPartitions,
  ) {}

  async migrate(now: Date = new Date()): Promise<MigrateResult> {
    const { applied } = await this.migrator.migrate();
    const { created } = await this.partitions.ensure(now);
    return { applied, partitionsCreated: created.length, current: await this.migrator.current() };
  }

  status(): Promise<MigrationState[]> {
    return this.migrator.status();
  }

  current(): Promise<string | null> {
    return this.migrator.current();
  }
}
