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
const DAY_MS = 86_400_000;
/** 0001-01-01 and 9999-12-31T23:59:59.999999, in microseconds since 1970. */
const FIRST_MICROS = -62_135_596_800_000_000n;
const LAST_MICROS = 253_402_300_799_999_999n;
/** MySQL's DATETIME and DATE start at 1000-01-01. */
const MYSQL_FIRST_MICROS = -30_610_224_000_000_000n;

const integers = fc.oneof(
  fc.constantFrom(0n, 1n, -1n, MAX_SAFE, -MAX_SAFE),
  fc.bigInt({ min: -MAX_SAFE, max: MAX_SAFE }),
);

const bigints = fc.oneof(
  fc.constantFrom(0n, MAX_INT64, -MAX_INT64, -MAX_INT64 - 1n, MAX_SAFE + 2n, -MAX_SAFE - 2n),
  fc.bigInt({ min: -MAX_INT64 - 1n, max: MAX_INT64 }),
);

/** A decimal at the column's scale, as its exact text (`-12.3400000000`). */
const decimals = fc
  .oneof(
    fc.constantFrom(
      0n,
      1n,
      -1n,
      10n ** BigInt(DECIMAL_PRECISION) - 1n,
      1n - 10n ** BigInt(DECIMAL_PRECISION),
    ),
    fc.bigInt({
      min: 1n - 10n ** BigInt(DECIMAL_PRECISION),
      max: 10n ** BigInt(DECIMAL_PRECISION) - 1n,
    }),
  )
  .map((units) => {
    const digits = (units < 0n ? -units : units).toString().padStart(DECIMAL_SCALE + 1, '0');
    const point = digits.length - DECIMAL_SCALE;
    return `${units < 0n ? '-' : ''}${digits.slice(0, point)}.${digits.slice(point)}`;
  });

const floats = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    0.1,
    1 / 3,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    Number.MIN_VALUE,
    2 ** 53 + 2,
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Whether a string holds no lone surrogate. */
function wellFormed(s: string): boolean {
  return !/\p{Cs}/u.test(s);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** A UTC timestamp with `precision` fractional digits, between the dialect's first and last instants. */
function timestamps(dialect: EdgeDialect, precision: number): fc.Arbitrary<string> {
  const first = dialect === 'mysql' ? MYSQL_FIRST_MICROS : FIRST_MICROS;
  const step = 10n ** BigInt(6 - precision);
  return fc
    .oneof(
      fc.constantFrom(first, LAST_MICROS, 0n, -1n, 2_147_483_648_000_000n, -2_208_988_800_000_001n),
      fc.bigInt({ min: first, max: LAST_MICROS }),
    )
    .map((micros) => {
      const floored = micros - (((micros % step) + step) % step);
      const clamped = floored < first ? first : floored;
      const ms = Number(clamped / 1000n) - (clamped % 1000n < 0n ? 1 : 0);
      const micro = Number(((clamped % 1_000_000n) + 1_000_000n) % 1_000_000n);
      const base = new Date(ms).toISOString().slice(0, 19);
      const fraction = precision === 0 ? '' : `.${pad(micro, 6).slice(0, precision)}`;
      const text = `${base}${fraction}`;
      return dialect === 'mysql' ? text.replace('T', ' ') : `${text}Z`;
    });
}

function dates(dialect: EdgeDialect): fc.Arbitrary<string> {
  const first = Number((dialect === 'mysql' ? MYSQL_FIRST_MICROS : FIRST_MICROS) / 1000n);
  const last = Number(LAST_MICROS / 1000n);
  return fc
    .oneof(
      fc.constantFrom(first, last, 0, -DAY_MS, 951_782_400_000),
      fc
        .integer({ min: Math.ceil(first / DAY_MS), max: Math.floor(last / DAY_MS) })
        .map((d) => d * DAY_MS),
    )
    .map((ms) => new Date(ms).toISOString().slice(0, 10));
}

/** Text at the edges: every code point, CRLF, BOM, U+2028, long and empty; NUL where the database takes it. */
function strings(dialect: EdgeDialect): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc.constantFrom(
        '',
        '\r\n',
        '\uFEFFbom',
        '\u2028\u2029',
        'x'.repeat(5000),
        '😀\u0301',
        'a\u0000b',
        '\u0000',
      ),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
    )
    .filter((s) => wellFormed(s) && (dialect !== 'postgres' || !s.includes('\u0000')));
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

/** Nesting 30 deep: as deep as MySQL's JSON type allows. */
const DEEP_JSON = `${'['.repeat(29)}{"a":[1]}${']'.repeat(29)}`;

/**
 * JSON documents; a top-level JSON `null` is left out: in a nullable `json`
 * field it exports as `null`, like SQL NULL, and imports as SQL NULL (the one
 * value the export cannot tell apart).
 */
const documents = fc.oneof(
  jsonTexts.filter((text) => text !== 'null'),
  fc.constantFrom(DEEP_JSON, '{"big":12345678901234567890}', '[]', '{}', '""'),
);

const bytes = fc.oneof(
  fc.constantFrom(
    Buffer.alloc(0),
    Buffer.from([0]),
    Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
  ),
  fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
);

const uuids = fc.oneof(
  fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff'),
  fc.uuid(),
);

/** The values a column of the dialect can hold at the edges of its catalog type, as SQL parameters. */
export function edgeValues(column: EdgeColumn, dialect: EdgeDialect): fc.Arbitrary<EdgeParameter> {
  const values = ((): fc.Arbitrary<EdgeParameter> => {
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
        return dates(dialect);
      case 'string':
        return strings(dialect);
      case 'json':
        return documents;
      case 'bytes':
        return bytes;
      case 'uuid':
        return dialect === 'mysql' && column.ddl.mysql === 'BINARY(16)'
          ? uuids.map((u) => Buffer.from(u.replaceAll('-', ''), 'hex'))
          : uuids;
      case 'boolean':
        return dialect === 'postgres' ? fc.boolean() : fc.constantFrom(0, 1);
    }
  })();
  return fc.option(values, { nil: null, freq: 6 });
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
