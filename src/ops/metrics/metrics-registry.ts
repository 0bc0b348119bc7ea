import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Provider } from '@nestjs/common';

/**
 * The application's own registry, injected as `Registry`. prom-client's
 * global registry is one per process and a metric name registers once per
 * registry: two applications in one process (the tests start many) would
 * collide on it.
 */
export const metricsRegistryProvider: Provider = {
  provide: Registry,
  useFactory: (): Registry => {
    const registry = new Registry();
    // process metrics: CPU, memory, event loop lag, GC, handles
    collectDefaultMetrics({ register: registry });
    return registry;
  },
};
