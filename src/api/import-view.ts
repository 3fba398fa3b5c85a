import { Type } from '@sinclair/typebox';
import type { ImportRecord } from '../store/index.js';

/** The import object (SPEC §11): every field always present, null where it does not apply. */
export const ImportObject = Type.Object(
  {
    id: Type.String({ description: 'Unguessable id, `imp_` prefix.' }),
    object: Type.Literal('import'),
    status: Type.String({ enum: ['pending', 'running', 'completed', 'failed'] }),
    mode: Type.String({ enum: ['preserve', 'remap'] }),
    dry_run: Type.Boolean(),
    trusted: Type.Boolean({
      description:
        "Whether the bundle's origin is proven (signed by a trusted key). An untrusted bundle writes no platform-owned category or field.",
    }),
    created_at: Type.String({ format: 'date-time' }),
    started_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    completed_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    counts: Type.Union([Type.Record(Type.String(), Type.Integer()), Type.Null()], {
      description:
        'Rows written (or, in a dry run, that would be) per category; null unless the import completed.',
    }),
    conflicts: Type.Array(
      Type.Object({
        category: Type.String(),
        key: Type.Unknown({
          description: 'The primary key (an array for a key of several fields).',
        }),
      }),
      {
        description:
          'Keys your tenant already holds (the first of each category). Rows of other tenants are never named.',
      },
    ),
    error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
  },
  { $id: 'Import' },
);

/** The import object as clients see it. */
export function importView(record: ImportRecord) {
  return {
    id: record.id,
    object: 'import' as const,
    status: record.status,
    mode: record.mode,
    dry_run: record.dryRun,
    trusted: record.trusted,
    created_at: record.createdAt,
    started_at: record.startedAt,
    completed_at: record.completedAt,
    counts: record.status === 'completed' ? record.counts : null,
    conflicts: record.conflicts,
    error: record.error,
  };
}
