import { Module } from '@nestjs/common';
import { CatalogRepository } from './catalog.repository.js';
import { CatalogService } from './catalog.service.js';

@Module({
  providers: [CatalogRepository, CatalogService],
  exports: [CatalogService, CatalogRepository],
})
export class CatalogModule {}
