import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The folder holding initdb, pg_ctl and postgres: pg_config's, else the
 * newest Debian-style /usr/lib/postgresql/<version>/bin; undefined without
 * them.
 */
export function postgresBinDir(): string | undefined {
  const candidates = [pgConfigBinDir(), ...debianBinDirs()];
  return candidates.find((dir) => dir !== undefined && existsSync(path.join(dir, 'initdb')));
}

function pgConfigBinDir(): string | undefined {
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

function debianBinDirs(): string[] {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((version) => /^\d+$/.test(version))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => path.join(root, version, 'bin'));
}

/**
 * A PostgreSQL cluster of the test's own, in a temporary folder, that the
 * test may stop, crash and restart without touching the shared server. As
 * root (CI, these machines) its programs run as the `postgres` OS user:
 * initdb refuses to run as root.
 */
export class PrivateCluster {
  private constructor(
    private readonly binDir: string,
    private readonly folder: string,
    readonly port: number,
  ) {}

  /** initdb in a fresh temporary folder, then start. */
  static async create(binDir: string): Promise<PrivateCluster> {
    const folder = await mkdtemp(path.join(tmpdir(), 'spotlib-pg-'));
    if (runsAsRoot()) await chown(folder, ...(await postgresOwner()));
    const cluster = new PrivateCluster(binDir, folder, await freePort());
    await cluster.exec('initdb', [
      ...['-D', cluster.dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8'],
      ...['--locale=C', '--no-sync', '--no-instructions'],
    ]);
    // A killed test process must not leave a server running on the machine.
    process.once('exit', cluster.stopNow);
    await cluster.start();
    return cluster;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  start(): Promise<void> {
    return this.pgCtl('start', [
      '-l',
      path.join(this.folder, 'server.log'),
      '-o',
      this.serverOptions(),
    ]);
  }

  /** `fast` ends every session at once (57P01), as a service manager's stop or restart does. */
  stop(mode: 'smart' | 'fast' | 'immediate' = 'fast'): Promise<void> {
    return this.pgCtl('stop', ['-m', mode]);
  }

  restart(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    return this.pgCtl('restart', [
      ...['-m', mode, '-l', path.join(this.folder, 'server.log')],
      ...['-o', this.serverOptions()],
    ]);
  }

  async destroy(): Promise<void> {
    process.removeListener('exit', this.stopNow);
    await this.stop('immediate').catch(() => undefined);
    await rm(this.folder, { recursive: true, force: true });
  }

  private get dataDir(): string {
    return path.join(this.folder, 'data');
  }

  /**
   * TCP on loopback only; the Unix socket in the cluster's own folder. No
   * fsync: only a machine crash loses data then, and the cluster is thrown
   * away. Commits stay synchronous, so a crash-like restart (immediate stop)
   * keeps every acknowledged commit, as on a real server.
   */
  private serverOptions(): string {
    return [
      `-p ${this.port}`,
      `-k ${this.folder}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
    ].join(' ');
  }

  private pgCtl(action: string, options: string[]): Promise<void> {
    return this.exec('pg_ctl', ['-D', this.dataDir, '-w', '-t', '60', ...options, action]);
  }

  /** Asynchronous: the app under test keeps serving (and failing) requests meanwhile. */
  private async exec(program: string, args: string[]): Promise<void> {
    const [command, ...rest] = asPostgresUser([path.join(this.binDir, program), ...args]);
    await run(command!, rest, { cwd: this.folder });
  }

  private readonly stopNow = () => {
    try {
      const [command, ...rest] = asPostgresUser([
        ...[path.join(this.binDir, 'pg_ctl'), '-D', this.dataDir],
        ...['-m', 'immediate', 'stop'],
      ]);
      execFileSync(command!, rest, { stdio: 'ignore' });
    } catch {
      // already stopped
    }
  };
}

function runsAsRoot(): boolean {
  return process.getuid?.() === 0;
}

function asPostgresUser(command: string[]): string[] {
  return runsAsRoot() ? ['runuser', '-u', 'postgres', '--', ...command] : command;
}

async function postgresOwner(): Promise<[number, number]> {
  const id = async (flag: string) => Number((await run('id', [flag, 'postgres'])).stdout.trim());
  return [await id('-u'), await id('-g')];
}

/** A port nobody listens on now (the cluster takes it a moment later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
