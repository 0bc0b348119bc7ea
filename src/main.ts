import 'reflect-metadata';
import { LocalUserService } from './auth/local-user.service.js';
import { CliBridgeAuth } from './cli/cli-bridge-auth.js';
import { createLogger } from './common/logging/logger.js';
import { ConfigError, loadConfig } from './config/config.js';
import { DataDirLock } from './db/data-dir-lock.js';
import { openDatabase } from './db/database.js';
import { SchemaService } from './db/schema.service.js';
import { createServer } from './server.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);

  const lock =
    config.engine === 'pglite'
      ? await DataDirLock.tryAcquire(config.dataDir, { waitForStale: true })
      : undefined;
  if (lock === null) {
    const server = await DataDirLock.readServerInfo(config.dataDir);
    throw new ConfigError(
      `The embedded database in ${config.dataDir} is in use by another process` +
        (server ? ` (a Spotlib server, pid ${server.pid}, at ${server.url})` : ''),
    );
  }

  const database = await openDatabase(config);
  const app = await createServer(config, database, logger);
  const migrated = await app.get(SchemaService).migrate();
  logger.info(migrated, 'schema up to date');
  await app.get(LocalUserService).get();

  await app.listen({ host: config.host, port: config.port });
  const url = await app.getUrl();
  if (lock) app.get(CliBridgeAuth).open((await lock.publishServer(url)).token);
  logger.info({ url, engine: config.engine }, 'Spotlib is listening');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    await app.close();
    await database.close();
    await lock?.release();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void shutdown(signal));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
