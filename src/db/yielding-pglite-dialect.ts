import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers/promises';
import {
  PGliteAdapter,
  PGliteDialect,
  PGliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type PGliteDialectConfig,
} from 'kysely';

/** The longest the embedded database keeps the event loop before requests may come in. */
const MAX_TURN_MS = 10;

/**
 * PGlite runs in this thread and answers through promises alone, so a loop
 * of statements (an import's chunks, a sync's batches, a restore) never let
 * the event loop read a waiting request: the server stopped answering until
 * the loop ended. This dialect lets the event loop turn before handing out
 * PGlite's one connection when it has not for MAX_TURN_MS, and hands the
 * connection out first come, first served: a request read during that turn
 * asks before the loop does and goes next. (Kysely's own lock for a single
 * connection goes to whichever waiter runs first, which can be the loop
 * that just released it.)
 */
export class YieldingPGliteDialect extends PGliteDialect {
  constructor(private readonly settings: PGliteDialectConfig) {
    super(settings);
  }

  override createAdapter(): DialectAdapter {
    return new QueuedPGliteAdapter();
  }

  override createDriver(): Driver {
    return new YieldingPGliteDriver(this.settings);
  }
}

/** The driver queues for the connection itself: Kysely's lock is turned off. */
class QueuedPGliteAdapter extends PGliteAdapter {
  override get supportsMultipleConnections(): boolean {
    return true;
  }
}

class YieldingPGliteDriver extends PGliteDriver {
  private readonly queue = new FirstComeLock();
  private lastTurn = performance.now();

  override async acquireConnection(): Promise<DatabaseConnection> {
    if (performance.now() - this.lastTurn > MAX_TURN_MS) {
      this.lastTurn = performance.now();
      await setImmediate();
    }
    await this.queue.acquire();
    return super.acquireConnection();
  }

  override async releaseConnection(): Promise<void> {
    await super.releaseConnection();
    this.queue.release();
  }
}

/** A lock handed to its waiters in the order they asked. */
class FirstComeLock {
  private held = false;
  private readonly waiting: (() => void)[] = [];

  async acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held = false;
  }
}
