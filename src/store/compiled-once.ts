import type { Compilable, CompiledQuery, Kysely } from 'kysely';

/**
 * A query whose SQL is built once: each call runs the same compiled text with
 * its own parameters. Building a Kysely query anew (its operation tree, frozen
 * node by node, then compiled to text) cost about as much CPU as running it on
 * SQLite in a profile of `GET /v1/exports/{id}`; for the queries every request
 * makes, that is paid once per process instead.
 *
 * `build` is called once, with a stand-in for each argument; every stand-in
 * must end up as a parameter of the compiled query (a value compared, set or
 * inserted), never in its text, or this throws at once. Parameters that are
 * not stand-ins keep the value they were built with.
 */
export function compiledOnce<Db, Args extends readonly string[], Row>(
  db: Kysely<Db>,
  arity: Args['length'],
  build: (...args: Args) => Compilable<Row>,
): (...args: Args) => Promise<Row[]> {
  const standIns = Array.from({ length: arity }, (_, i) => `\u0000compiled-once-argument-${i}`);
  const compiled: CompiledQuery<Row> = build(...(standIns as unknown as Args)).compile();
  const argumentOf = compiled.parameters.map((value) =>
    typeof value === 'string' ? standIns.indexOf(value) : -1,
  );
  for (let i = 0; i < arity; i++) {
    if (!argumentOf.includes(i))
      throw new Error(`compiledOnce: argument ${i} is not a parameter of: ${compiled.sql}`);
  }
  return async (...args) => {
    const parameters = compiled.parameters.map((value, at) => {
      const index = argumentOf[at]!;
      return index < 0 ? value : args[index];
    });
    const result = await db.executeQuery<Row>({ ...compiled, parameters });
    return result.rows;
  };
}
