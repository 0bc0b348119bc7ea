import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { AdminGuard } from '../../auth/admin.guard.js';

/**
 * Prometheus scrapes `GET /metrics` (outside the /api prefix, by convention)
 * with an administrator's API token. Not part of the API document: its
 * answer is Prometheus text, described by the metrics' own HELP lines.
 */
@ApiExcludeController()
@UseGuards(AdminGuard)
@Controller('metrics')
export class MetricsController {
  constructor(private readonly registry: Registry) {}

  @Get()
  @Header('content-type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('cache-control', 'no-store')
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}
