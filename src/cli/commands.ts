import { z } from 'zod';
import { SchemaService } from '../db/schema.service.js';
import { defineCommand, type CliCommand } from './command.js';

/** Every command the CLI knows, by name ("group.action"). */
export const commands: Record<string, CliCommand> = {
  'db.migrate': defineCommand({
    description: 'Apply pending migrations and create missing history partitions',
    args: z.object({}),
    run: (ctx) => ctx.get(SchemaService).migrate(),
    render: (r) =>
      [
        r.applied.length ? `Applied ${r.applied.join(', ')}` : 'No pending migrations',
        `Created ${r.partitionsCreated} history partitions`,
        `Schema at ${r.current ?? '(empty)'}`,
      ].join('\n'),
  }),
  'db.status': defineCommand({
    description: 'Show applied and pending migrations',
    args: z.object({}),
    run: async (ctx) => {
      const migrations = await ctx.get(SchemaService).status();
      const pending = migrations.filter((m) => !m.appliedAt).map((m) => m.name);
      const current = migrations.filter((m) => m.appliedAt).at(-1)?.name ?? null;
      return { current, pending, migrations };
    },
    render: (r) =>
      [
        ...r.migrations.map(
          (m) =>
            `${m.appliedAt ? 'applied' : 'pending'}  ${m.name}${m.appliedAt ? `  ${new Date(m.appliedAt).toISOString()}` : ''}`,
        ),
        r.pending.length ? `${r.pending.length} pending` : 'Up to date',
      ].join('\n'),
  }),
};

export function findCommand(name: string): CliCommand | undefined {
  return Object.hasOwn(commands, name) ? commands[name] : undefined;
}
