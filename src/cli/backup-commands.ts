import { z } from 'zod';
import { USERNAME_PATTERN, USERNAME_RULE } from '../auth/accounts.service.js';
import { BackupExportService } from '../backup/backup-export.service.js';
import type { RecordCounts } from '../backup/archive-format.js';
import { BackupRestoreService, type RestoreResult } from '../backup/backup-restore.service.js';
import { CliError, defineCommand, type CliCommand } from './command.js';

const fileArgument = {
  name: 'file',
  syntax: '<file>',
  description: 'the backup file (gzip-compressed JSON Lines, e.g. spotlib-backup.jsonl.gz)',
  paths: true,
};
/** `paths` hands the file over as a one-element list of its absolute path. */
const fileArg = z
  .array(z.string().min(1))
  .length(1)
  .transform(([file]) => file!);

const summary = (counts: RecordCounts) =>
  `${counts.track} tracks, ${counts.play} plays, ${counts.tag} tags, ${counts.playlist} playlists, ${counts.smartPlaylist} smart playlists`;

/** `spotlib export` and `spotlib restore`: a user's data as a portable archive and back. */
export const backupCommands: Record<string, CliCommand> = {
  export: defineCommand({
    description:
      'Back up everything the user owns (library, ratings, tags, playlists, smart playlists, history, settings) to a portable file',
    argument: fileArgument,
    args: z.object({ file: fileArg }),
    run: async (ctx, args) =>
      ctx
        .get(BackupExportService)
        .exportTo((await ctx.user()).id, args.file, (done, total) => ctx.progress(done, total)),
    render: (r) =>
      `Wrote ${r.file} (${(r.bytes / 1e6).toFixed(1)} MB): ${summary(r.counts)} in ${r.seconds} s`,
  }),
  restore: defineCommand({
    description:
      'Restore a backup into this instance: into the current user if they have no data yet, or --as a new user',
    argument: fileArgument,
    options: [
      {
        name: 'as',
        flags: '--as <username>',
        description: 'create this user and restore into them',
      },
      {
        name: 'check',
        flags: '--check',
        description: 'only read and check the file; write nothing',
      },
    ],
    args: z.object({
      file: fileArg,
      as: z.string().regex(USERNAME_PATTERN, `--as: ${USERNAME_RULE}`).optional(),
      check: z.literal(true).optional(),
    }),
    run: async (ctx, args) => {
      const service = ctx.get(BackupRestoreService);
      const progress = (done: number, total: number) => ctx.progress(done, total);
      if (args.check)
        return { checked: true as const, ...(await service.check(args.file, progress)) };
      if (args.as !== undefined && ctx.userId !== undefined) {
        throw new CliError(
          'give --user (an existing user) or --as (a new one), not both',
          'invalid_arguments',
        );
      }
      const target = args.as !== undefined ? { newUsername: args.as } : { user: await ctx.user() };
      return service.restoreFrom(args.file, target, progress);
    },
    render: (r) =>
      'checked' in r
        ? `${r.file} is a whole backup of ${r.username} from ${r.exportedAt}: ${summary(r.counts)}`
        : renderRestore(r),
    failed: (r) => !('checked' in r) && r.verify.drift > 0,
  }),
};

function renderRestore(r: RestoreResult): string {
  return [
    `Restored ${r.username}'s backup of ${r.exportedAt} into ${r.created ? 'the new user' : 'user'} ${r.restoredAs} (id ${r.userId}): ${summary(r.counts)}`,
    `${r.playsWritten} plays written in ${r.seconds} s; stats verify: ${r.verify.drift} of ${r.verify.checked} rows drifted`,
    ...(r.created
      ? [
          `Give them a way in: spotlib token create --user ${r.userId} (or spotlib user password --user ${r.userId} --password-stdin)`,
        ]
      : []),
  ].join('\n');
}
