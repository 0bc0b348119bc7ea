import type { Type } from '@nestjs/common';
import type { z } from 'zod';
import type { AuthUser } from '../auth/auth-user.js';

/** What a command runs with, in the CLI's own process or inside the running server. */
export interface CommandContext {
  get<T>(type: Type<T>): T;
  /** The user the command acts for (`--user`, else the local user). */
  user(): Promise<AuthUser>;
  /** `--user` as given, for commands that act on every user without it. */
  userId: number | undefined;
  /** Reports progress of a long job (a bar on the terminal when run in-process). */
  progress(done: number, total: number): void;
}

/**
 * A CLI command's work, written once. The CLI runs it in-process, or sends
 * it to the running server when that server holds the embedded database.
 * `render` turns the JSON result into text for people (on the client side).
 */
/** A command's positional argument, handed to it as `args[name]`. */
export interface PositionalArgument {
  name: string;
  /** commander syntax: `<paths...>` */
  syntax: string;
  description: string;
  /** file system paths: made absolute where the command is typed, before it may travel to the server */
  paths?: boolean;
}

/** A command's own option, handed to it as `args[name]` (a string; the args schema coerces). */
export interface CommandOption {
  name: string;
  /** commander syntax: `--scale <scale>` */
  flags: string;
  description: string;
  /** a file system path: made absolute where the command is typed */
  path?: boolean;
  /**
   * a flag (`--password-stdin`) that reads the first line of standard input
   * into `args[stdin]`: secrets stay out of shell history and `ps`
   */
  stdin?: string;
}

export interface CommandDefinition<Args, Result extends object> {
  description: string;
  argument?: PositionalArgument;
  options?: CommandOption[];
  args: z.ZodType<Args>;
  run(ctx: CommandContext, args: Args): Promise<Result>;
  render(result: Result): string;
  /** A result that should end the process with exit code 1 (drift found, ...). */
  failed?(result: Result): boolean;
}

/** A command as the runner sees it: arguments checked inside, result as plain JSON. */
export interface CliCommand {
  description: string;
  argument?: PositionalArgument | undefined;
  options?: CommandOption[] | undefined;
  run(ctx: CommandContext, rawArgs: unknown): Promise<object>;
  render(result: object): string;
  failed(result: object): boolean;
}

export function defineCommand<Args, Result extends object>(
  definition: CommandDefinition<Args, Result>,
): CliCommand {
  return {
    description: definition.description,
    argument: definition.argument,
    options: definition.options,
    run: async (ctx, rawArgs) => {
      const args = definition.args.safeParse(rawArgs);
      if (!args.success) {
        const problems = args.error.issues.map((i) => i.message).join('; ');
        throw new CliError(problems, 'invalid_arguments');
      }
      return definition.run(ctx, args.data);
    },
    // The result is what run() returned, possibly after a JSON round trip through the server.
    render: (result) => definition.render(result as Result),
    failed: (result) => definition.failed?.(result as Result) ?? false,
  };
}

/** A failure to report to the user as it is (no stack trace). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code = 'cli_error',
  ) {
    super(message);
  }
}
