import { expect, it } from 'vitest';
import { PARTITION_UPKEEP_JOB } from '../src/history/partition-upkeep.service.js';
import { JobsService } from '../src/jobs/jobs.service.js';
import { POLL_RECENT_JOB } from '../src/spotify/sync/sync-runner.service.js';
import { createTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';

describeEachEngine('jobs', (t) => {
  it('start pg-boss on the engine, register schedules and run a job', async () => {
    const app = await createTestApp(t.database, { jobsEnabled: false });
    const jobs = app.get(JobsService);
    let resolveRan: (data: object) => void = () => undefined;
    const ran = new Promise<object>((resolve) => (resolveRan = resolve));
    jobs.define<{ greeting: string }>({
      name: 'test.echo',
      handler: (data) => Promise.resolve(resolveRan(data)),
    });
    try {
      await jobs.start();
      expect(await jobs.schedules()).toContainEqual({
        name: PARTITION_UPKEEP_JOB,
        cron: '17 3 * * *',
      });
      // connected users' recent plays: Spotify keeps only the last 50
      expect(await jobs.schedules()).toContainEqual({
        name: POLL_RECENT_JOB,
        cron: '*/30 * * * *',
      });
      await jobs.send('test.echo', { greeting: 'hello' });
      await expect(ran).resolves.toEqual({ greeting: 'hello' });
    } finally {
      await app.close();
    }
  });
});
