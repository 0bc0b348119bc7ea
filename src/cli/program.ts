import path from 'node:path';
import { text } from 'node:stream/consumers';
import cliProgress from 'cli-progress';
import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig } from '../config/config.js';
import { runEmulatorUntilStopped } from '../spotify/emulator/emulator-command.js';
import { CliError } from './command.js';
import { executeCommand } from './command-runner.js';
import { commands, findCommand } from './commands.js';

export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** standard input, read whole (options that take a secret from it) */
  stdin?: () => Promise<string>;
}

interface GlobalOptions {
  json?: boolean;
  user?: number;
}

const defaultIo: CliIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  stdin: () => text(process.stdin),
};

/** Runs `spotlib` with the given arguments (without node and script); returns the exit code. */
export async function runCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const wantsJson = argv.includes('--json');
  let exitCode = 0;
  const program = buildProgram(io, async (name, options, args) => {
    const command = findCommand(name)!;
    const config = loadConfig(io.env);
    const bar = options.json || !process.stderr.isTTY ? undefined : progressBar();
    try {
      const result = await executeCommand(
        config,
        { command: name, args, ...(options.user === undefined ? {} : { userId: options.user }) },
        bar?.update,
      );
      bar?.stop();
      io.stdout(options.json ? JSON.stringify(result) : command.render(result));
      if (command.failed(result)) exitCode = 1;
    } finally {
      bar?.stop();
    }
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    exitCode = reportError(error, wantsJson, io);
  }
  return exitCode;
}

type Action = (
  name: string,
  options: GlobalOptions,
  args: Record<string, unknown>,
) => Promise<void>;

function buildProgram(io: CliIo, action: Action): Command {
  const quiet = (cmd: Command) =>
    cmd
      .exitOverride()
      .configureOutput({ writeOut: (s) => io.stdout(s.trimEnd()), writeErr: () => undefined });
  const program = quiet(new Command('spotlib'))
    .description('Spotlib: your Spotify library and listening history on PostgreSQL')
    .option('--json', 'print one JSON object as the last line')
    .option('--user <id>', 'act for this user (multi-user setups)', parseUserId);

  const groups = new Map<string, Command>();
  const parentOf = (groupName: string) => {
    let group = groups.get(groupName);
    if (!group) {
      group = quiet(program.command(groupName).description(`${groupName} commands`));
      groups.set(groupName, group);
    }
    return group;
  };
  for (const [name, definition] of Object.entries(commands)) {
    const [groupName, actionName] = name.split('.') as [string, string | undefined];
    const parent = actionName === undefined ? program : parentOf(groupName);
    const command = quiet(parent.command(actionName ?? groupName)).description(
      definition.description,
    );
    const argument = definition.argument;
    if (argument) command.argument(argument.syntax, argument.description);
    for (const option of definition.options ?? []) command.option(option.flags, option.description);
    command.action(async (...params: unknown[]) => {
      const cmd = params.at(-1) as Command;
      const args: Record<string, unknown> = {};
      // commander gives a command's own `<value>` options as strings
      const given = cmd.opts<Record<string, string | undefined>>();
      for (const option of definition.options ?? []) {
        const value = given[option.name];
        if (value === undefined) continue;
        if (option.stdin) args[option.stdin] = await firstLineOf(io);
        else args[option.name] = option.path ? path.resolve(value) : value;
      }
      if (argument) {
        const value = cmd.processedArgs[0] as string | string[];
        args[argument.name] = argument.paths ? [value].flat().map((p) => path.resolve(p)) : value;
      }
      return action(name, cmd.optsWithGlobals<GlobalOptions>(), args);
    });
  }
  addEmulatorCommand(quiet(program.command('emulator')), io);
  return program;
}

/** `spotlib emulator`: a local Spotify for development and tests. It opens no database. */
function addEmulatorCommand(command: Command, io: CliIo): void {
  command
    .description("Serve a local emulator of Spotify's accounts service and Web API until Ctrl-C")
    .option(
      '--port <port>',
      'port on 127.0.0.1 (0: any free one)',
      integerOption('--port', 0, 65_535),
      8090,
    )
    .option(
      '--tracks <n>',
      'tracks in the generated library',
      integerOption('--tracks', 1, 1_000_000),
      1000,
    )
    .option(
      '--seed <n>',
      'seed of the generated world and faults',
      integerOption('--seed', 0, 2 ** 31 - 1),
      1,
    )
    .option(
      '--fail-rate <f>',
      'share of requests answered 429 or 500',
      rateOption('--fail-rate'),
      0,
    )
    .action(
      (options: { port: number; tracks: number; seed: number; failRate: number }, cmd: Command) =>
        runEmulatorUntilStopped(
          { ...options, json: cmd.optsWithGlobals<GlobalOptions>().json === true },
          io.stdout,
        ),
    );
}

async function firstLineOf(io: CliIo): Promise<string> {
  const input = io.stdin ? await io.stdin() : '';
  return input.split(/\r?\n/)[0] ?? '';
}

function integerOption(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max)
      throw new CliError(`${flag} must be an integer from ${min} to ${max}, not "${value}"`);
    return n;
  };
}

function rateOption(flag: string): (value: string) => number {
  return (value) => {
    const rate = Number(value);
    if (value.trim() === '' || !(rate >= 0 && rate <= 1))
      throw new CliError(`${flag} must be a number from 0 to 1, not "${value}"`);
    return rate;
  };
}

/** A progress bar on stderr, started at the first report. */
function progressBar() {
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '{bar} {percentage}% | {eta_formatted} left',
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let stopped = false;
  return {
    update: (done: number, total: number) => {
      if (stopped) return;
      if (!started) bar.start(total, done);
      started = true;
      bar.setTotal(total);
      bar.update(done);
    },
    stop: () => {
      if (started && !stopped) bar.stop();
      stopped = true;
    },
  };
}

function parseUserId(value: string): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0)
    throw new CliError(`--user must be a user id, not "${value}"`);
  return id;
}

function reportError(error: unknown, json: boolean, io: CliIo): number {
  if (error instanceof CommanderError) {
    // --help and --version end through here too, successfully.
    if (error.exitCode === 0) return 0;
    return printError(io, json, 'usage_error', error.message.replace(/^error: /, ''));
  }
  if (error instanceof CliError) return printError(io, json, error.code, error.message);
  if (error instanceof ConfigError) return printError(io, json, 'config_error', error.message);
  return printError(
    io,
    json,
    'internal_error',
    error instanceof Error ? error.message : String(error),
  );
}

function printError(io: CliIo, json: boolean, code: string, message: string): number {
  if (json) io.stdout(JSON.stringify({ error: code, message }));
  else io.stderr(`spotlib: ${message}`);
  return 1;
}
