import { Type, type Static } from '@sinclair/typebox';
import { ERROR_CODES } from '../errors/index.js';
import { EXPORT_STATUSES, PURPOSES } from '../store/index.js';

export { problems } from './problem-responses.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
/** An RFC 3339 UTC time with milliseconds, with `example` as its example. */
export const Time = (example = '2026-11-30T19:00:00.000Z') =>
  Type.String({
    format: 'date-time',
    description: 'RFC 3339 UTC with milliseconds.',
    examples: [example],
  });

/** The example export of the reference: a completed migration export. */
export const EXAMPLE_EXPORT_ID = 'exp_3m9q2wz7k4hx8v1c6t5rn0bd';

/** Every format a request may name; which ones a purpose allows is checked by the handler. */
export const FORMATS = ['json', 'jsonl', 'csv', 'pdf', 'bundle'] as const;

/** `POST /v1/exports` body. */
export const CreateExportBody = Type.Object(
  {
    purpose: Type.String({
      enum: [...PURPOSES],
      description: 'Why the customer exports; decides the default shape.',
    }),
    formats: Type.Optional(
      Type.Array(Type.String({ enum: [...FORMATS] }), {
        minItems: 1,
        uniqueItems: true,
        description: "Overrides the purpose's default formats, within what the purpose allows.",
      }),
    ),
    categories: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        uniqueItems: true,
        description: 'Only these catalog categories (default: every included category).',
      }),
    ),
    csv: Type.Optional(
      Type.Object(
        {
          bom: Type.Optional(
            Type.Boolean({
              description: 'Start CSV files with a UTF-8 byte-order mark. Default false.',
            }),
          ),
          formula_protection: Type.Optional(
            Type.Boolean({
              description:
                "Prefix `'` to text and JSON cells starting with =, +, -, @, tab or CR so spreadsheets do not run them. Default: true for purpose `closure`, false otherwise.",
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    notify_email: Type.Optional(
      Type.String({
        minLength: 3,
        maxLength: 254,
        description:
          'Mail this address when the export completes (a link valid until the archive expires, what is inside, its SHA-256) or fails (the reason). One plain address; needs `PORTAGE_SMTP_URL` and `PORTAGE_MAIL_FROM`, else 422.',
        examples: ['ada@customer.example'],
      }),
    ),
  },
  { additionalProperties: false },
);
export type CreateExportBody = Static<typeof CreateExportBody>;

/** The export object (SPEC §4): every field always present, null where it does not apply. */
export const ExportObject = Type.Object(
  {
    id: Type.String({
      description: 'Unguessable id, `exp_` prefix.',
      examples: [EXAMPLE_EXPORT_ID],
    }),
    object: Type.Literal('export'),
    status: Type.String({ enum: [...EXPORT_STATUSES], examples: ['completed'] }),
    purpose: Type.String({ enum: [...PURPOSES], examples: ['migration'] }),
    formats: Type.Array(Type.String({ enum: [...FORMATS] }), { examples: [['json', 'csv']] }),
    categories: Type.Array(Type.String(), { examples: [['account', 'contacts', 'invoices']] }),
    csv: Type.Object({ bom: Type.Boolean(), formula_protection: Type.Boolean() }),
    created_at: Time('2026-11-30T19:00:00.000Z'),
    started_at: Nullable(Time('2026-11-30T19:00:00.412Z')),
    completed_at: Nullable(Time('2026-11-30T19:00:03.187Z')),
    expires_at: Nullable(Time('2026-12-07T19:00:03.187Z')),
    progress: Type.Object({
      categories_total: Type.Integer({ examples: [3] }),
      categories_done: Type.Integer({ examples: [3] }),
      rows_written: Type.Integer({ examples: [1284] }),
      bytes_written: Type.Integer({ examples: [48213] }),
    }),
    download_url: Nullable(
      Type.String({
        format: 'uri',
        description: 'Expiring link that needs no credentials.',
        examples: [
          `https://exports.example.org/v1/exports/${EXAMPLE_EXPORT_ID}/download?expires=1764615603&signature=Xq3v0Jm6y2b8Lr1TzW4nKc7pQe9sHd5aFg0uYi2oBtM`,
        ],
      }),
    ),
    download_url_expires_at: Nullable(Time('2026-12-01T19:00:03.187Z')),
    file: Nullable(
      Type.Object({
        name: Type.String({
          examples: [`acme-corp-migration-20261130-${EXAMPLE_EXPORT_ID}.zip`],
        }),
        bytes: Type.Integer({ examples: [48213] }),
        sha256: Type.String({
          pattern: '^[0-9a-f]{64}$',
          examples: ['037854a3fe25262381ae7cc5ce725f281b418d57d0f714cb7616b9b7ec12fec5'],
        }),
      }),
    ),
    error: Nullable(
      Type.Object({
        code: Type.String({ examples: ['source_read_failed'] }),
        message: Type.String({
          examples: ['Reading category "invoices" failed: the database connection was lost.'],
        }),
      }),
    ),
    notify_email: Nullable(
      Type.String({
        description:
          'The address mailed when the export ends, as the request gave it; null for none.',
        examples: ['ada@customer.example'],
      }),
    ),
  },
  { $id: 'Export' },
);
export type ExportObject = Static<typeof ExportObject>;

/** `GET /v1/exports` answer. */
export const ExportList = Type.Object({
  data: Type.Array(Type.Ref('Export')),
  next_cursor: Nullable(
    Type.String({
      description: 'Pass as `cursor` for the next page; null on the last page.',
      examples: ['WyIyMDI2LTExLTMwVDE5OjAwOjAwLjAwMFoiLCJleHBfM205cTJ3ejdrNGh4OHYxYzZ0NXJuMGJkIl0'],
    }),
  ),
});

/** RFC 9457 problem details, with Portage's machine-readable `code`. */
export const Problem = Type.Object(
  {
    type: Type.String({
      format: 'uri',
      examples: ['https://portage.dev/problems/not_found'],
      description: "A link to the code's documentation.",
    }),
    title: Type.String({ examples: ['Not found'] }),
    status: Type.Integer({ examples: [404] }),
    detail: Type.String({
      examples: [`No export "${EXAMPLE_EXPORT_ID}" exists for this API key's tenant.`],
    }),
    code: Type.String({
      enum: Object.keys(ERROR_CODES),
      description: 'Every code Portage answers; see the error table of this reference.',
    }),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          pointer: Type.String({ description: 'RFC 6901 JSON pointer.', examples: ['/purpose'] }),
          detail: Type.String({
            examples: ['must be one of: migration, duplication, closure, audit'],
          }),
        }),
        { description: 'Each invalid field of a `validation_failed` request.' },
      ),
    ),
  },
  { $id: 'Problem' },
);
