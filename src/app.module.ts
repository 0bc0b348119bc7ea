import { type DynamicModule, Module } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { ZodValidationPipe } from 'nestjs-zod';
import { AuthModule } from './auth/auth.module.js';
import { BackupModule } from './backup/backup.module.js';
import { CliBridgeModule } from './cli/cli-bridge.module.js';
import { CommonModule } from './common/common.module.js';
import { ConfigModule } from './config/config.module.js';
import type { AppConfig } from './config/config.js';
import { DatabaseModule } from './db/database.module.js';
import { DemoModule } from './demo/demo.module.js';
import type { Database } from './db/database.js';
import { HealthModule } from './health/health.module.js';
import { HistoryModule } from './history/history.module.js';
import { BenchModule } from './bench/bench.module.js';
import { GeneratorModule } from './generator/generator.module.js';
import { ImportsModule } from './imports/imports.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { MetricsModule } from './ops/metrics/metrics.module.js';
import { DatabaseOpsModule } from './ops/database/database-ops.module.js';
import { ScrobblerModule } from './scrobbler/scrobbler.module.js';
import { SmartPlaylistsModule } from './smart-playlists/smart-playlists.module.js';
import { SpotifyModule } from './spotify/spotify.module.js';
import { StatsModule } from './stats/stats.module.js';
import { UsersModule } from './users/users.module.js';

@Module({})
export class AppModule {
  /** The whole application on an already opened database (the entry point owns it). */
  static register(config: AppConfig, database: Database): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(database),
        CommonModule,
        MetricsModule,
        DatabaseOpsModule,
        JobsModule,
        UsersModule,
        AuthModule,
        HealthModule,
        HistoryModule,
        StatsModule,
        ScrobblerModule,
        ImportsModule,
        SmartPlaylistsModule,
        SpotifyModule,
        GeneratorModule,
        DemoModule,
        BenchModule,
        BackupModule,
        CliBridgeModule,
      ],
      providers: [{ provide: APP_PIPE, useClass: ZodValidationPipe }],
    };
  }
}
