/** A promise awaited later (a page fetched ahead, a batch saved behind another): its failure surfaces then. */
export function awaitedLater<T>(work: Promise<T>): Promise<T> {
  work.catch(() => undefined);
  return work;
}

/**
 * The source's next value is read while the caller works on this one. A
 * caller that stops early stops the source once its read in flight ends.
 */
export async function* readAhead<T>(source: AsyncIterator<T>): AsyncGenerator<T> {
  try {
    let next = awaitedLater(source.next());
    for (;;) {
      const result = await next;
      if (result.done) return;
      next = awaitedLater(source.next());
      yield result.value;
    }
  } finally {
    void source.return?.().catch(() => undefined);
  }
}

/**
 * Work run in the background, one run at a time, for a loop that must not
 * wait for it (statistics refreshed between a load's batches): `request()`
 * starts a run unless one is going, which then stands for it; `settle()`
 * waits for that run, throws the first failure of any, and runs once more
 * for what the loop did after the last run began.
 */
export class CoalescedWork {
  private running: Promise<void> | undefined;
  private failure: Error | undefined;

  constructor(private readonly work: () => Promise<unknown>) {}

  request(): void {
    if (this.running) return;
    this.running = this.work().then(
      () => {
        this.running = undefined;
      },
      (error: unknown) => {
        this.running = undefined;
        this.failure ??= error instanceof Error ? error : new Error(String(error));
      },
    );
  }

  async settle(): Promise<void> {
    await this.running;
    if (this.failure !== undefined) throw this.failure;
    await this.work();
  }
}
