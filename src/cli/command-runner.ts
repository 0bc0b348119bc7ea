import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module.js';
import type { AppConfig } from '../config/config.js';
import { DataDirLock, type ServerInfo } from '../db/data-dir-lock.js';
import { openDatabase } from '../db/database.js';
import { CLI_TOKEN_HEADER } from './cli-bridge.controller.js';
import { CliError, type CommandContext } from './command.js';
import { createCommandContext, runCommand } from './command-context.js';

export interface CommandRequest {
  command: string;
  args: Record<string, unknown>;
  userId?: number;
}

/**
 * Runs a command where the database is: in this process, or — when a running
 * server holds the embedded database — inside that server.
 */
export async function executeCommand(
  config: AppConfig,
  request: CommandRequest,
  progress?: CommandContext['progress'],
): Promise<object> {
  if (config.engine === 'postgres') return runInProcess(config, request, progress);
  const lock = await DataDirLock.tryAcquire(config.dataDir);
  if (lock) {
    try {
      return await runInProcess(config, request, progress);
    } finally {
      await lock.release();
    }
  }
  const server = await DataDirLock.readServerInfo(config.dataDir);
  if (!server) {
    throw new CliError(
      `The embedded database in ${config.dataDir} is in use by another spotlib command; try again when it ends`,
      'database_busy',
    );
  }
  return runInServer(server, request);
}

async function runInProcess(
  config: AppConfig,
  request: CommandRequest,
  progress?: CommandContext['progress'],
): Promise<object> {
  const database = await openDatabase(config);
  try {
    const app = await NestFactory.createApplicationContext(
      AppModule.register({ ...config, jobsEnabled: false }, database),
      { logger: false, abortOnError: false },
    );
    try {
      const ctx = createCommandContext(
        (type) => app.get(type, { strict: false }),
        request.userId,
        progress,
      );
      return await runCommand(ctx, request.command, request.args);
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
  }
}

async function runInServer(server: ServerInfo, request: CommandRequest): Promise<object> {
  let response: Response;
  try {
    response = await fetch(new URL('/api/internal/cli', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CLI_TOKEN_HEADER]: server.token },
      body: JSON.stringify(request),
    });
  } catch {
    throw new CliError(
      `The Spotlib server (pid ${server.pid}) holds the database but does not answer at ${server.url}; if it crashed, retry in a few seconds`,
      'server_unreachable',
    );
  }
  const body = (await response.json()) as { result?: object; error?: string; message?: string };
  if (!response.ok || !body.result) {
    throw new CliError(body.message ?? `The server answered ${response.status}`, body.error);
  }
  return body.result;
}
