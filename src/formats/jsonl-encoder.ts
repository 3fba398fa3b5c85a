import { RecordWriter } from './record-writer.js';
import type { EncoderContext, FormatEncoder, Row } from './types.js';

/**
 * Media type of `jsonl` data files. There is no registered type for JSON Lines;
 * `application/x-ndjson` is the one most HTTP clients and tools recognise.
 */
export const JSONL_MEDIA_TYPE = 'application/x-ndjson';

/**
 * Writes one record object per line, each line ended by `\n` (no header, no
 * trailing text). Keys follow catalog order, or are sorted (RFC 8785) with
 * `ctx.canonical`; nested JSON always has its keys sorted.
 */
export class JsonlEncoder implements FormatEncoder {
  readonly format: 'jsonl' | 'bundle' = 'jsonl';
  readonly extension = 'jsonl';
  readonly mediaType = JSONL_MEDIA_TYPE;
  private readonly records: RecordWriter;

  constructor(ctx: EncoderContext) {
    this.records = new RecordWriter(ctx.category.name, ctx.fields, ctx.canonical);
  }

  begin(): string {
    return '';
  }

  row(row: Row): string {
    return this.records.write(row) + '\n';
  }

  end(): string {
    return '';
  }
}

/**
 * The `bundle` data files: JSON Lines with every field the catalog exports
 * (ids, tenant, timestamps, references), in catalog order, which
 * `POST /v1/imports` reads back. The bundle's header is `bundle.json`.
 */
export class BundleEncoder extends JsonlEncoder {
  override readonly format = 'bundle';
}
