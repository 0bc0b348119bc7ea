type Numbers = Float64Array | Int32Array | Uint8Array;

/**
 * A column of numbers that grows as values are pushed, held in a typed array:
 * 1-8 bytes a value, outside V8's heap, where a JS array takes 8 bytes a slot
 * plus its slack and leaves each outgrown copy for the old generation's next
 * collection (an import's window pushes hundreds of thousands of values).
 */
export class NumberColumn {
  private values: Numbers;
  length = 0;

  constructor(private readonly allocate: (capacity: number) => Numbers) {
    this.values = allocate(1024);
  }

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = this.allocate(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  at(index: number): number {
    return this.values[index]!;
  }
}

/** Exact for any number (times, durations read from a file before they are checked). */
export const float64Column = () => new NumberColumn((n) => new Float64Array(n));
/** For indexes into a list held beside the column. */
export const int32Column = () => new NumberColumn((n) => new Int32Array(n));
/** For codes of a fixed list of fewer than 256 values. */
export const uint8Column = () => new NumberColumn((n) => new Uint8Array(n));
