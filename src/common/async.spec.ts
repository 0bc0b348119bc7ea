import { describe, expect, it } from 'vitest';
import { readAhead } from './async.js';

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
