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
