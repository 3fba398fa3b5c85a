import { Type, type Static } from '@sinclair/typebox';
import { ERROR_CODES } from '../errors/index.js';
import { EXPORT_STATUSES, PURPOSES } from '../store/index.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const Time = Type.String({ format: 'date-time', description: 'RFC 3339 UTC with milliseconds.' });

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
    id: Type.String({ description: 'Unguessable id, `exp_` prefix.' }),
    object: Type.Literal('export'),
    status: Type.String({ enum: [...EXPORT_STATUSES] }),
    purpose: Type.String({ enum: [...PURPOSES] }),
    formats: Type.Array(Type.String()),
    categories: Type.Array(Type.String()),
    csv: Type.Object({ bom: Type.Boolean(), formula_protection: Type.Boolean() }),
    created_at: Time,
    started_at: Nullable(Time),
    completed_at: Nullable(Time),
    expires_at: Nullable(Time),
    progress: Type.Object({
      categories_total: Type.Integer(),
      categories_done: Type.Integer(),
      rows_written: Type.Integer(),
      bytes_written: Type.Integer(),
    }),
    download_url: Nullable(
      Type.String({ description: 'Expiring link that needs no credentials.' }),
    ),
    download_url_expires_at: Nullable(Time),
    file: Nullable(
      Type.Object({ name: Type.String(), bytes: Type.Integer(), sha256: Type.String() }),
    ),
    error: Nullable(Type.Object({ code: Type.String(), message: Type.String() })),
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
  next_cursor: Nullable(Type.String()),
});

/** RFC 9457 problem details, with Portage's machine-readable `code`. */
export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({
      enum: Object.keys(ERROR_CODES),
      description: 'Every code Portage answers.',
    }),
    errors: Type.Optional(
      Type.Array(Type.Object({ pointer: Type.String(), detail: Type.String() })),
    ),
  },
  { $id: 'Problem' },
);

/** Standard error answers, for route schemas. */
export function problems(...statuses: number[]): Record<number, unknown> {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      {
        description: problemDescription(s),
        content: { 'application/problem+json': { schema: Type.Ref('Problem') } },
      },
    ]),
  );
}

function problemDescription(status: number): string {
  const codes = Object.entries(ERROR_CODES)
    .filter(([, v]) => v.status === status)
    .map(([k]) => `\`${k}\``);
  return `Problem details; code ${codes.join(' or ')}.`;
}
