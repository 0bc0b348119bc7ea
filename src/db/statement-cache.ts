import { createQueryId, type Compilable, type CompiledQuery, type Kysely } from 'kysely';

/** Stands in for one of a call's values while a cached statement is built. */
class Slot {
  constructor(readonly index: number) {}
}

/**
 * Hot statements built and compiled once per shape, then run with each
 * call's values: building and compiling a library page with Kysely took
 * ~0.6 ms of the server's CPU per request at scale M, a third of what the
 * statement costs the database.
 *
 * `build` receives `values` with every leaf (a number, string, Buffer …)
 * replaced by a stand-in, so it must use them only as values bound into the
 * statement; everything that changes the statement's text (a sort, a page
 * size, whether a cursor is given) belongs in `shape`. Only for statements
 * whose shapes are few, like the prepared ones (db/prepared-statements.ts).
 * Plugins that rewrite a query (`transformQuery`) act once, at the first
 * compile, with the builder's instance; those reading results act each run.
 */
export class StatementCache {
  private readonly compiled = new Map<string, { query: CompiledQuery; values: number }>();

  async execute<Database, Row, Values>(
    db: Kysely<Database>,
    shape: string,
    values: Values,
    build: (values: Values) => Compilable<Row>,
  ): Promise<Row[]> {
    const leaves: unknown[] = [];
    const slots = mapLeaves(values, (leaf) => new Slot(leaves.push(leaf) - 1));
    let cached = this.compiled.get(shape);
    if (!cached) {
      cached = { query: build(slots).compile(), values: leaves.length };
      checkBound(shape, cached.query, leaves.length);
      this.compiled.set(shape, cached);
    }
    if (leaves.length !== cached.values) {
      throw new Error(`Statement "${shape}" takes ${cached.values} values, given ${leaves.length}`);
    }
    const { query } = cached;
    const parameters = query.parameters.map((p) => (p instanceof Slot ? leaves[p.index] : p));
    // a run of its own to plugins, which may keep state by query id
    const result = await db.executeQuery<Row>({ ...query, parameters, queryId: createQueryId() });
    return result.rows;
  }
}

/**
 * A value the builder read instead of binding (to choose a text, or spliced
 * into it) would leave the cached statement fitting only the first call.
 */
function checkBound(shape: string, query: CompiledQuery, count: number): void {
  const bound = new Set(query.parameters.map((p) => (p instanceof Slot ? p.index : -1)));
  for (let index = 0; index < count; index++) {
    if (!bound.has(index)) throw new Error(`Statement "${shape}" does not bind value ${index}`);
  }
}

/** `value` with each leaf (anything but a plain object or array) replaced by `replace(leaf)`. */
function mapLeaves<T>(value: T, replace: (leaf: unknown) => unknown): T {
  if (value === undefined) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => mapLeaves(v, replace)) as T;
  if (value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [key, mapLeaves(v, replace)]),
    ) as T;
  }
  return replace(value) as T;
}
