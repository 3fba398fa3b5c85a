import { stringifyJson } from './canonical-json.js';
import { schemaPath } from './json-schema.js';
import { RecordWriter } from './record-writer.js';
import type { EncoderContext, FormatEncoder, JsonValue, Row } from './types.js';

/** Media type of `json` data files. */
export const JSON_MEDIA_TYPE = 'application/json';

/**
 * Writes one category as one JSON document, `{"metadata": {...}, "records": [...]}`,
 * laid out one record per line so that large files stay readable and diffable:
 *
 * ```
 * {"metadata":{"category":"tasks",...},
 * "records":[
 * {"id":1,...},
 * {"id":2,...}
 * ]}
 * ```
 *
 * `metadata` holds `category`, `title`, `description`, `tenant`,
 * `catalog_version`, `primary_key` (the record order), `fields` (each `name`,
 * `type`, `nullable`, `description`, in catalog order) and `schema`, the
 * archive path of the record's JSON Schema. It holds no export time, id or row
 * count (the manifest has the count), so the same data always gives the same
 * bytes. With `ctx.canonical`, metadata and record keys are sorted (RFC 8785).
 */
export class JsonEncoder implements FormatEncoder {
  readonly format = 'json';
  readonly extension = 'json';
  readonly mediaType = JSON_MEDIA_TYPE;
  readonly separator = ',';
  private readonly records: RecordWriter;

  constructor(private readonly ctx: EncoderContext) {
    this.records = new RecordWriter(ctx.category.name, ctx.fields, ctx.canonical);
  }

  begin(): string {
    const { category, fields, canonical } = this.ctx;
    const metadata: { [key: string]: JsonValue } = {
      category: category.name,
      title: category.title,
      description: category.description,
      tenant: this.ctx.tenant,
      catalog_version: this.ctx.catalogVersion,
      primary_key: [...category.primaryKey],
      fields: fields.map((field) => ({
        name: field.name,
        type: field.type,
        nullable: field.nullable,
        description: field.description,
      })),
      schema: schemaPath(category.name),
    };
    // Keys here are fixed, non-numeric names, so JSON.stringify keeps the order above.
    const text = canonical ? stringifyJson(metadata) : JSON.stringify(metadata);
    return `{"metadata":${text},\n"records":[`;
  }

  row(row: Row, index: number): string {
    return (index === 0 ? '\n' : ',\n') + this.records.write(row);
  }

  end(rowCount: number): string {
    return rowCount === 0 ? ']}\n' : '\n]}\n';
  }
}
