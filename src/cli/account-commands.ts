import { z } from 'zod';
import { defineCommand, type CliCommand } from './command.js';
import { AccountsService, USERNAME_RULE } from '../auth/accounts.service.js';
import { ApiTokenService } from '../auth/api-token.service.js';

const passwordStdin = {
  name: 'passwordStdin',
  flags: '--password-stdin',
  description: 'read the password from the first line of standard input',
  stdin: 'password',
};

/** Accounts and API tokens: `spotlib user ...`, `spotlib token create`. */
export const accountCommands: Record<string, CliCommand> = {
  'user.create': defineCommand({
    description: 'Create a user with an API token (and a password to sign in with)',
    argument: { name: 'name', syntax: '<name>', description: USERNAME_RULE },
    options: [
      passwordStdin,
      { name: 'admin', flags: '--admin', description: 'may read the database report and metrics' },
    ],
    args: z.object({
      name: z.string(),
      password: z.string().optional(),
      admin: z.boolean().optional(),
    }),
    run: (ctx, args) =>
      ctx.get(AccountsService).create(args.name, { password: args.password, admin: args.admin }),
    render: (r) =>
      [`Created user ${r.name} (id ${r.id}). Their API token, shown once:`, r.token].join('\n'),
  }),
  'user.list': defineCommand({
    description: 'List the users of this instance',
    args: z.object({}),
    run: async (ctx) => ({ users: await ctx.get(AccountsService).list() }),
    render: (r) =>
      r.users
        .map(
          (u) =>
            `${u.id}\t${u.name}${u.admin ? '\tadmin' : ''}${u.hasPassword ? '' : '\t(no password)'}`,
        )
        .join('\n') || 'No users',
  }),
  'user.password': defineCommand({
    description: "Set a user's password (--user <id>; ends their sessions)",
    options: [{ ...passwordStdin, description: 'read it from standard input (required)' }],
    args: z.object({ password: z.string({ error: 'give the password with --password-stdin' }) }),
    run: async (ctx, args) => {
      const user = await ctx.user();
      await ctx.get(AccountsService).setPassword(user.id, args.password);
      return { id: user.id, changed: true };
    },
    render: (r) => `Password of user ${r.id} changed; their sessions have ended`,
  }),
  'token.create': defineCommand({
    description: 'Create an API token (scrobblers, scripts) for the current user or --user <id>',
    args: z.object({}),
    run: async (ctx) => {
      const created = await ctx.get(ApiTokenService).create(await ctx.user());
      return { token: created.token, id: created.id };
    },
    render: (r) =>
      [
        r.token,
        'Keep it secret: it is shown once. ListenBrainz scrobblers take it as their token,',
        'with http://<this server>/api/listenbrainz as the server URL.',
      ].join('\n'),
  }),
};
