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

  const lock = config.engine === 'pglite' ? await lockDataDir(config.dataDir) : undefined;

  const database = await openDatabase(config);
  const app = await createServer(config, database, logger);
  const migrated = await app.get(SchemaService).migrate();
  logger.info(migrated, 'schema up to date');
  if (config.auth.mode === 'local') await app.get(LocalUserService).get();

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

/**
 * Takes the embedded database's folder. A live server holding it is reported
 * at once; a lock left by a crashed process is taken over once it goes stale.
 */
async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const lock = await DataDirLock.tryAcquire(dataDir);
  if (lock) return lock;
  const server = await DataDirLock.readServerInfo(dataDir);
  const inUse = (detail: string) =>
    new ConfigError(`The embedded database in ${dataDir} is in use by another process${detail}`);
  if (server && (await answers(server.url))) {
    throw inUse(` (a Spotlib server, pid ${server.pid}, at ${server.url})`);
  }
  const staleLock = await DataDirLock.tryAcquire(dataDir, { waitForStale: true });
  if (!staleLock) throw inUse('');
  return staleLock;
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(new URL('/api/health', url), { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
