import type { Type } from '@nestjs/common';
import { LocalUserService } from '../auth/local-user.service.js';
import { ApiError } from '../common/errors/http-error.filter.js';
import { UsersRepository } from '../users/users.repository.js';
import { CliError, type CommandContext } from './command.js';
import { findCommand } from './commands.js';

export function createCommandContext(
  get: <T>(type: Type<T>) => T,
  userId: number | undefined,
  progress: CommandContext['progress'] = () => undefined,
): CommandContext {
  return {
    get,
    userId,
    progress,
    user: async () => {
      if (userId === undefined) return get(LocalUserService).get();
      const user = await get(UsersRepository).findById(userId);
      if (!user) throw new CliError(`No user with id ${userId}`, 'user_not_found');
      return { id: user.id };
    },
  };
}

/** Validates a command's arguments and runs it; the same path locally and in the server. */
export async function runCommand(
  ctx: CommandContext,
  name: string,
  rawArgs: unknown,
): Promise<object> {
  const command = findCommand(name);
  if (!command) throw new CliError(`Unknown command ${name}`, 'unknown_command');
  try {
    return await command.run(ctx, rawArgs);
  } catch (error) {
    // A service's refusal (Spotify needs reconnecting, ...) reads as the API says it.
    if (error instanceof ApiError) throw new CliError(error.body.message, error.body.error);
    throw error;
  }
}
