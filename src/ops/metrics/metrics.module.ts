import { Global, Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module.js';
import { UsersModule } from '../../users/users.module.js';
import { AppMetrics } from './app-metrics.service.js';
import { HttpMetricsHook } from './http-metrics.hook.js';
import { MetricsController } from './metrics.controller.js';
import { metricsRegistryProvider } from './metrics-registry.js';

/**
 * Prometheus metrics of one application instance. Global: jobs, play
 * recording and the Spotify sync count into AppMetrics wherever they live.
 */
@Global()
@Module({
  // the admin guard resolves the user's row
  imports: [AuthModule, UsersModule],
  controllers: [MetricsController],
  providers: [metricsRegistryProvider, AppMetrics, HttpMetricsHook],
  exports: [AppMetrics],
})
export class MetricsModule {}
