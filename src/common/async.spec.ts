import { describe, expect, it } from 'vitest';
import { CoalescedWork, readAhead } from './async.js';

/** A source that records when each value is asked for and whether it was stopped. */
function recordingSource(values: number[], events: string[]) {
  return (async function* () {
    try {
      for (const value of values) {
        events.push(`read ${value}`);
        await Promise.resolve();
        yield value;
      }
    } finally {
      events.push('stopped');
    }
  })();
}

describe('readAhead', () => {
  it('reads the next value while the caller works on the current one', async () => {
    const events: string[] = [];
    for await (const value of readAhead(recordingSource([1, 2, 3], events))) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      events.push(`used ${value}`);
    }
    expect(events).toEqual(['read 1', 'read 2', 'used 1', 'read 3', 'used 2', 'stopped', 'used 3']);
  });

  it('stops the source when the caller stops early', async () => {
    const events: string[] = [];
    for await (const value of readAhead(recordingSource([1, 2, 3, 4], events))) {
      if (value === 2) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(events).toContain('stopped');
    expect(events).not.toContain('read 4');
  });

  it("surfaces the source's failure where its value is awaited", async () => {
    const failing = (async function* () {
      yield 1;
      await Promise.resolve();
      throw new Error('the page could not be read');
    })();
    const seen: number[] = [];
    await expect(async () => {
      for await (const value of readAhead(failing)) seen.push(value);
    }).rejects.toThrow('the page could not be read');
    expect(seen).toEqual([1]);
  });
});

/** Work whose runs are released by hand: `runs` counts the starts, `finish` ends the oldest. */
function manualWork() {
  const pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  let runs = 0;
  const work = new CoalescedWork(() => {
    runs++;
    return new Promise<void>((resolve, reject) => pending.push({ resolve, reject }));
  });
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
  return {
    work,
    runs: () => runs,
    finish: async (error?: Error) => {
      const run = pending.shift()!;
      if (error) run.reject(error);
      else run.resolve();
      await tick();
    },
  };
}

describe('CoalescedWork', () => {
  it('runs one at a time: requests during a run start nothing more', async () => {
    const { work, runs, finish } = manualWork();
    work.request();
    work.request();
    work.request();
    expect(runs()).toBe(1);
    await finish();
    work.request();
    expect(runs()).toBe(2);
    await finish();
  });

  it('settles by waiting for the run going, then running once more', async () => {
    const { work, runs, finish } = manualWork();
    work.request();
    let settled = false;
    const settling = work.settle().then(() => (settled = true));
    await finish();
    expect(runs()).toBe(2);
    expect(settled).toBe(false);
    await finish();
    await settling;
    expect(settled).toBe(true);
  });

  it("throws a failed run's error when settled, even after later runs succeeded", async () => {
    const { work, runs, finish } = manualWork();
    work.request();
    await finish(new Error('ANALYZE failed'));
    work.request();
    await finish();
    await expect(work.settle()).rejects.toThrow('ANALYZE failed');
    expect(runs()).toBe(2);
  });
});
