import fc from 'fast-check';
import {
  DECIMAL_PRECISION,
  DECIMAL_SCALE,
  EDGE_TABLES,
  type EdgeColumn,
  type EdgeDialect,
  type EdgeParameter,
} from './edge-platform.js';

const MAX_SAFE = 2n ** 53n - 1n;
const MAX_INT64 = 2n ** 63n - 1n;
/** 0001-01-01 and 9999-12-31T23:59:59.999999, in microseconds since 1970. */
const FIRST_MICROS = -62_135_596_800_000_000n;
const LAST_MICROS = 253_402_300_799_999_999n;

/** A type's values: its named edges, each in the examples every run holds, and the generated rest. */
interface Edges<T extends EdgeParameter> {
  readonly edges: readonly T[];
  readonly generated: fc.Arbitrary<T>;
}

function arbitrary<T extends EdgeParameter>({ edges, generated }: Edges<T>): fc.Arbitrary<T> {
  return fc.oneof(fc.constantFrom(...edges), generated);
}

const integers: Edges<bigint> = {
  edges: [0n, 1n, -1n, MAX_SAFE, -MAX_SAFE],
  generated: fc.bigInt({ min: -MAX_SAFE, max: MAX_SAFE }),
};

const bigints: Edges<bigint> = {
  edges: [0n, MAX_INT64, -MAX_INT64, -MAX_INT64 - 1n, MAX_SAFE + 2n, -MAX_SAFE - 2n],
  generated: fc.bigInt({ min: -MAX_INT64 - 1n, max: MAX_INT64 }),
};

/** A count of the decimal column's last digit as its exact text at the column's scale (`-12.3400000000`). */
function decimalText(units: bigint): string {
  const digits = (units < 0n ? -units : units).toString().padStart(DECIMAL_SCALE + 1, '0');
  const point = digits.length - DECIMAL_SCALE;
  return `${units < 0n ? '-' : ''}${digits.slice(0, point)}.${digits.slice(point)}`;
}

const LARGEST_UNITS = 10n ** BigInt(DECIMAL_PRECISION) - 1n;

/** Decimals at the column's scale and precision: 0, ±1 unit of the last digit, ±(10^30 − 1) units. */
const decimals: Edges<string> = {
  edges: [0n, 1n, -1n, LARGEST_UNITS, -LARGEST_UNITS].map(decimalText),
  generated: fc.bigInt({ min: -LARGEST_UNITS, max: LARGEST_UNITS }).map(decimalText),
};

const floats: Edges<number> = {
  edges: [0, -0, 0.1, 1 / 3, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 2],
  generated: fc.double({ noNaN: true, noDefaultInfinity: true }),
};

/** Whether a string holds no lone surrogate. */
function wellFormed(s: string): boolean {
  return !/\p{Cs}/u.test(s);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** A microsecond instant as a UTC timestamp with `precision` fractional digits, in the dialect's text. */
function timestampText(micros: bigint, dialect: EdgeDialect, precision: number): string {
  const step = 10n ** BigInt(6 - precision);
  const floored = micros - (((micros % step) + step) % step);
  const clamped = floored < FIRST_MICROS ? FIRST_MICROS : floored;
  const ms = Number(clamped / 1000n) - (clamped % 1000n < 0n ? 1 : 0);
  const micro = Number(((clamped % 1_000_000n) + 1_000_000n) % 1_000_000n);
  const base = new Date(ms).toISOString().slice(0, 19);
  const fraction = precision === 0 ? '' : `.${pad(micro, 6).slice(0, precision)}`;
  const text = `${base}${fraction}`;
  return dialect === 'mysql' ? text.replace('T', ' ') : `${text}Z`;
}

/**
 * UTC timestamps with `precision` fractional digits: the first and last
 * instants of years 1–9999, the epoch and the microsecond before it, 2^31
 * seconds (2038-01-19) and the microsecond before 1900.
 */
function timestamps(dialect: EdgeDialect, precision: number): Edges<string> {
  const text = (micros: bigint) => timestampText(micros, dialect, precision);
  return {
    edges: [
      FIRST_MICROS,
      LAST_MICROS,
      0n,
      -1n,
      2_147_483_648_000_000n,
      -2_208_988_800_000_001n,
    ].map(text),
    generated: fc.bigInt({ min: FIRST_MICROS, max: LAST_MICROS }).map(text),
  };
}

/** Dates: 0001-01-01, 9999-12-31, the epoch and the day before it, 2000-02-29. */
const dates: Edges<string> = {
  edges: ['0001-01-01', '9999-12-31', '1970-01-01', '1969-12-31', '2000-02-29'],
  generated: fc
    .date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z') })
    .map((d) => d.toISOString().slice(0, 10)),
};

/** Text at the edges: every code point, CRLF, BOM, U+2028, long and empty; NUL where the database takes it. */
function strings(dialect: EdgeDialect): Edges<string> {
  const held = (s: string) => wellFormed(s) && (dialect !== 'postgres' || !s.includes('\u0000'));
  return {
    edges: [
      '',
      '\r\n',
      'a\r\nb\rc\n',
      '\uFEFFbom',
      '\u2028\u2029',
      'x'.repeat(5000),
      '😀\u0301',
      'a\u0000b',
      '\u0000',
    ].filter(held),
    generated: fc
      .oneof(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ unit: 'grapheme', maxLength: 20 }),
      )
      .filter(held),
  };
}

/** An integer JSON number of up to 21 digits (its digits are its canonical form). */
const jsonIntegers = fc.oneof(
  fc.constantFrom('12345678901234567890', '9007199254740993', '-9007199254740993'),
  fc.bigInt({ min: 1n - 10n ** 21n, max: 10n ** 21n - 1n }).map(String),
);

/** A JSON number with a fraction, exact to every digit (`0.1000000000000000055511151231257827`). */
const jsonDecimals = fc.oneof(
  fc.constantFrom('0.1000000000000000055511151231257827', '-123456789.123456789123456789', '0.5'),
  fc
    .tuple(
      fc.boolean(),
      fc.bigInt({ min: 1n, max: 10n ** 12n }),
      fc.stringMatching(/^[0-9]{0,28}[1-9]$/),
    )
    .map(([negative, whole, fraction]) => `${negative ? '-' : ''}${whole}.${fraction}`),
);

const jsonStrings = fc
  .string({ unit: 'binary', maxLength: 12 })
  .filter((s) => wellFormed(s))
  .map((s) => JSON.stringify(s));

/** JSON text in canonical form (keys sorted by UTF-16 units, numbers as their exact digits). */
const jsonTexts: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('null', 'true', 'false'),
    jsonIntegers,
    jsonDecimals,
    jsonStrings,
    fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    fc
      .uniqueArray(
        fc.tuple(
          fc.string({ unit: 'binary', maxLength: 6 }).filter((k) => wellFormed(k)),
          tie('value'),
        ),
        {
          maxLength: 4,
          selector: ([k]) => k,
        },
      )
      .map(
        (entries) =>
          `{${entries
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([k, v]) => `${JSON.stringify(k)}:${v}`)
            .join(',')}}`,
      ),
  ),
})).value;

/** Arrays nested `depth` deep around `{"a":[1]}` (which adds two levels). */
export function nestedJson(depth: number): string {
  return `${'['.repeat(depth - 2)}{"a":[1]}${']'.repeat(depth - 2)}`;
}

/**
 * The deepest nesting each database keeps: MariaDB's JSON type takes 31 levels,
 * the lossless reader 1000 (deeper is refused, see the suite's refusals).
 */
const DEEPEST: { readonly [dialect in EdgeDialect]: number } = {
  sqlite: 1000,
  postgres: 1000,
  mysql: 31,
};

/**
 * JSON documents: big integers, long decimals, the deepest nesting, empty
 * containers, escapes. A top-level JSON `null` is left out: in a nullable
 * `json` field it exports as `null`, like SQL NULL, and imports as SQL NULL
 * (the one value the export cannot tell apart).
 */
function documents(dialect: EdgeDialect): Edges<string> {
  return {
    edges: [
      nestedJson(DEEPEST[dialect]),
      '{"big":12345678901234567890}',
      '[9007199254740993,-9223372036854775809,100]',
      '[0.1000000000000000055511151231257827,-123456789.123456789123456789]',
      `{"":${JSON.stringify('\u0000\r\n\u2028\uFEFF')},"a":{"b":[]}}`,
      '[]',
      '{}',
      '""',
    ],
    generated: jsonTexts.filter((text) => text !== 'null'),
  };
}

const bytes: Edges<Buffer> = {
  edges: [
    Buffer.alloc(0),
    Buffer.from([0]),
    Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
    Buffer.from([0xc3, 0x28, 0xed, 0xa0, 0x80, 0xff]),
  ],
  generated: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
};

const uuids: Edges<string> = {
  edges: ['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff'],
  generated: fc.uuid(),
};

/** The values a column of the dialect can hold at the edges of its catalog type, as SQL parameters. */
function valuesOf(column: EdgeColumn, dialect: EdgeDialect): Edges<EdgeParameter> {
  switch (column.type) {
    case 'integer':
      return integers;
    case 'bigint':
      return bigints;
    case 'decimal':
      return decimals;
    case 'float':
      return floats;
    case 'timestamp':
      return timestamps(dialect, column.precision ?? 3);
    case 'date':
      return dates;
    case 'string':
      return strings(dialect);
    case 'json':
      return documents(dialect);
    case 'bytes':
      return bytes;
    case 'uuid': {
      if (dialect !== 'mysql' || column.ddl.mysql !== 'BINARY(16)') return uuids;
      const binary = (u: string) => Buffer.from(u.replaceAll('-', ''), 'hex');
      return { edges: uuids.edges.map(binary), generated: uuids.generated.map(binary) };
    }
    case 'boolean':
      return dialect === 'postgres'
        ? { edges: [false, true], generated: fc.boolean() }
        : { edges: [0, 1], generated: fc.constantFrom(0, 1) };
  }
}

/** A column's values, NULL among them. */
export function edgeValues(column: EdgeColumn, dialect: EdgeDialect): fc.Arbitrary<EdgeParameter> {
  return fc.option(arbitrary(valuesOf(column, dialect)), { nil: null, freq: 6 });
}

/** Rows of every edge table (values only, without `id` and `tenant_id`). */
export type EdgeRows = Record<string, EdgeParameter[][]>;

/** Rows for every edge table of a dialect: 1 to 4 per table. */
export function edgeRows(dialect: EdgeDialect): fc.Arbitrary<EdgeRows> {
  return fc.record(
    Object.fromEntries(
      EDGE_TABLES.map((table) => [
        table.name,
        fc.array(fc.tuple(...table.columns.map((c) => edgeValues(c, dialect))), {
          minLength: 1,
          maxLength: 4,
        }),
      ]),
    ),
  );
}

/**
 * Rows holding every named edge of every column of a dialect, and a row of
 * NULLs: the example each run of the suite starts with, so that no edge is
 * left to chance.
 */
export function edgeExamples(dialect: EdgeDialect): EdgeRows {
  return Object.fromEntries(
    EDGE_TABLES.map((table) => {
      const edges = table.columns.map((c) => valuesOf(c, dialect).edges);
      const count = Math.max(...edges.map((e) => e.length));
      const rows = Array.from({ length: count }, (_, i) => edges.map((e) => e[i % e.length]!));
      return [table.name, [...rows, table.columns.map(() => null)]];
    }),
  );
}
