import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { HistoryModule } from '../history/history.module.js';
import { UsersModule } from '../users/users.module.js';
import { GeneratorRepository } from './generator.repository.js';
import { GeneratorService } from './generator.service.js';

@Module({
  imports: [CatalogModule, HistoryModule, UsersModule],
  providers: [GeneratorService, GeneratorRepository],
  exports: [GeneratorService],
})
export class GeneratorModule {}
