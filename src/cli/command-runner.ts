import http from 'node:http';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module.js';
import type { AppConfig } from '../config/config.js';
import { DataDirLock, type ServerInfo } from '../db/data-dir-lock.js';
import { openDatabase } from '../db/database.js';
import { SchemaService } from '../db/schema.service.js';
import { CLI_TOKEN_HEADER } from './cli-bridge.controller.js';
import { CliError, type CommandContext } from './command.js';
import { createCommandContext, runCommand } from './command-context.js';

/** Commands that show or apply the migrations themselves. */
const SCHEMA_COMMANDS = new Set(['db.status', 'db.migrate']);

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
      // A new or upgraded database is brought up to date first, as the server does at start.
      if (!SCHEMA_COMMANDS.has(request.command)) await app.get(SchemaService).migrate();
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

/** The bridge's answer: the command's result, or the API error shape. */
interface BridgeReply {
  result?: object;
  error?: string;
  message?: string;
}

async function runInServer(server: ServerInfo, request: CommandRequest): Promise<object> {
  let response: { status: number; body: BridgeReply };
  try {
    response = await postJson(new URL('/api/internal/cli', server.url), server.token, request);
  } catch {
    throw new CliError(
      `The Spotlib server (pid ${server.pid}) holds the database but does not answer at ${server.url}; if it crashed, retry in a few seconds`,
      'server_unreachable',
    );
  }
  if (response.status !== 200 || !response.body.result) {
    throw new CliError(
      response.body.message ?? `The server answered ${response.status}`,
      response.body.error,
    );
  }
  return response.body.result;
}

/**
 * POST without a deadline: a command such as an import may run for many
 * minutes, longer than fetch's built-in five-minute header timeout.
 */
function postJson(url: URL, token: string, body: unknown) {
  const payload = JSON.stringify(body);
  return new Promise<{ status: number; body: BridgeReply }>((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          [CLI_TOKEN_HEADER]: token,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          try {
            resolve({
              status: res.statusCode ?? 0,
              body: JSON.parse(Buffer.concat(chunks).toString()) as BridgeReply,
            });
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
