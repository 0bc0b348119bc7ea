import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';

/** How a running server can be reached by CLI commands on the same data folder. */
export interface ServerInfo {
  pid: number;
  url: string;
  /** Proves the caller can read the data folder. */
  token: string;
}

const LOCK_FILE = 'spotlib.lock';
const SERVER_FILE = 'server.json';
/** A lock not refreshed for this long belongs to a dead process and is taken over. */
const STALE_MS = 10_000;

/**
 * PGlite has no lock of its own: two processes opening one data folder would
 * corrupt it. Whoever opens the embedded database holds this lock; a running
 * server also publishes how to reach it, so CLI commands send it their work.
 */
export class DataDirLock {
  private constructor(
    private readonly dataDir: string,
    private readonly releaseLock: () => Promise<void>,
  ) {}

  /** Takes the lock, or returns null when another live process holds it. */
  static async tryAcquire(dataDir: string, options: { waitForStale?: boolean } = {}) {
    await mkdir(dataDir, { recursive: true });
    try {
      const release = await lockfile.lock(dataDir, {
        lockfilePath: path.join(dataDir, LOCK_FILE),
        realpath: false,
        stale: STALE_MS,
        retries: options.waitForStale ? { retries: 6, factor: 1.5, minTimeout: 1_000 } : 0,
        onCompromised: (error) => {
          // Another process took the folder over: continuing would corrupt the database.
          console.error(`Lost the lock on ${dataDir}: ${error.message}`);
          process.exit(70);
        },
      });
      return new DataDirLock(dataDir, release);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOCKED') return null;
      throw error;
    }
  }

  static async readServerInfo(dataDir: string): Promise<ServerInfo | null> {
    try {
      return JSON.parse(await readFile(path.join(dataDir, SERVER_FILE), 'utf8')) as ServerInfo;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async publishServer(url: string): Promise<ServerInfo> {
    const info: ServerInfo = {
      pid: process.pid,
      url,
      token: randomBytes(32).toString('base64url'),
    };
    await writeFile(path.join(this.dataDir, SERVER_FILE), JSON.stringify(info), { mode: 0o600 });
    return info;
  }

  async release(): Promise<void> {
    await rm(path.join(this.dataDir, SERVER_FILE), { force: true });
    await this.releaseLock();
  }
}
