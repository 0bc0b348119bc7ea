import { type DynamicModule, Global, Module } from '@nestjs/common';
import { Kysely } from 'kysely';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { Database } from './database.js';
import { InstanceSecretRepository } from './instance-secret.repository.js';
import { Migrator } from './migrator.js';
import { PlayHistoryArchiver, PlayHistoryPartitions } from './partitions.js';
import { SchemaService } from './schema.service.js';

/**
 * The open database, handed in by the entry point (which owns opening,
 * locking and closing it), and the pieces built directly on it.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(database: Database): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: Database, useValue: database },
        { provide: Kysely, useValue: database.db },
        { provide: Migrator, useFactory: () => new Migrator(database.db) },
        {
          provide: PlayHistoryPartitions,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) =>
            new PlayHistoryPartitions(database.db, config.historyHotMonths),
        },
        {
          provide: PlayHistoryArchiver,
          inject: [PlayHistoryPartitions],
          useFactory: (partitions: PlayHistoryPartitions) =>
            new PlayHistoryArchiver(database.db, partitions),
        },
        InstanceSecretRepository,
        SchemaService,
      ],
      exports: [
        Database,
        Kysely,
        Migrator,
        PlayHistoryPartitions,
        {
          provide: PlayHistoryArchiver,
          inject: [PlayHistoryPartitions],
          useFactory: (partitions: PlayHistoryPartitions) =>
            new PlayHistoryArchiver(database.db, partitions),
        },
        InstanceSecretRepository,
        SchemaService,
      ],
    };
  }
}
