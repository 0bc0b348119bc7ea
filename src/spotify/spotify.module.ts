import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CatalogModule } from '../catalog/catalog.module.js';
import { HistoryModule } from '../history/history.module.js';
import { LibraryModule } from '../library/library.module.js';
import { DatabaseOpsModule } from '../ops/database/database-ops.module.js';
import { SmartPlaylistsModule } from '../smart-playlists/smart-playlists.module.js';
import { PlaylistPushController } from './push/playlist-push.controller.js';
import { PlaylistPushRepository } from './push/playlist-push.repository.js';
import { PlaylistPushService } from './push/playlist-push.service.js';
import { SpotifyAccountRepository } from './spotify-account.repository.js';
import { SpotifyApiFactory } from './spotify-api.client.js';
import { SpotifyAuthController } from './spotify-auth.controller.js';
import { SpotifyAuthService } from './spotify-auth.service.js';
import { SpotifyCatalogRepository } from './spotify-catalog.repository.js';
import { SpotifyHttp } from './spotify-http.js';
import { ArtistDetailsService } from './sync/artist-details.service.js';
import { LibrarySyncService } from './sync/library-sync.service.js';
import { RecentPlaysService } from './sync/recent-plays.service.js';
import { SpotifyTrackImporter } from './sync/spotify-track-importer.service.js';
import { SyncRunner } from './sync/sync-runner.service.js';
import { SyncStateRepository } from './sync/sync-state.repository.js';
import { SyncController } from './sync/sync.controller.js';
import { SyncService } from './sync/sync.service.js';
import { TrackSearchService } from './sync/track-search.service.js';
import { TokenCipher } from './token-cipher.js';

/** The live link to Spotify: OAuth, the Web API client, sync and playlist push. */
@Module({
  imports: [
    AuthModule,
    CatalogModule,
    DatabaseOpsModule,
    HistoryModule,
    LibraryModule,
    SmartPlaylistsModule,
  ],
  controllers: [SpotifyAuthController, SyncController, PlaylistPushController],
  providers: [
    // one HTTP layer for the process: its concurrency cap and rate-limit pause are per app
    { provide: SpotifyHttp, useFactory: () => new SpotifyHttp() },
    TokenCipher,
    SpotifyAccountRepository,
    SpotifyAuthService,
    SpotifyApiFactory,
    SpotifyCatalogRepository,
    SpotifyTrackImporter,
    SyncStateRepository,
    LibrarySyncService,
    RecentPlaysService,
    ArtistDetailsService,
    TrackSearchService,
    SyncService,
    SyncRunner,
    PlaylistPushRepository,
    PlaylistPushService,
  ],
  exports: [SyncService, PlaylistPushService, SpotifyAuthService],
})
export class SpotifyModule {}
