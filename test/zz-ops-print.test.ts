import { it } from 'vitest';
import { createCommandContext, runCommand } from '../src/cli/command-context.js';
import { findCommand } from '../src/cli/commands.js';
import { useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';

describeEachEngine('print', (t) => {
  const server = useTestApp(t);
  it('prints', async () => {
    const ctx = createCommandContext((type) => server.app.get(type, { strict: false }), undefined);
    const r = await runCommand(ctx, 'db.report', { limit: '5' });
    console.log(findCommand('db.report')!.render(JSON.parse(JSON.stringify(r))));
    const m = await runCommand(ctx, 'db.maintain', {});
    console.log(findCommand('db.maintain')!.render(JSON.parse(JSON.stringify(m))));
    console.log(JSON.stringify(m));
  });
});
