import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CatalogModule } from '../catalog/catalog.module.js';
import { HistoryModule } from '../history/history.module.js';
import { ListenBrainzController } from './listenbrainz.controller.js';
import { ScrobbleService } from './scrobble.service.js';

@Module({
  imports: [AuthModule, CatalogModule, HistoryModule],
  controllers: [ListenBrainzController],
  providers: [ScrobbleService],
})
export class ScrobblerModule {}
