import { CSV_MEDIA_TYPE, CsvEncoder } from './csv-encoder.js';
import { JSON_MEDIA_TYPE, JsonEncoder } from './json-encoder.js';
import { BundleEncoder, JSONL_MEDIA_TYPE, JsonlEncoder } from './jsonl-encoder.js';
import type { EncoderContext, FormatEncoder } from './types.js';

/** The data-file formats an encoder exists for. */
export type EncodedFormat = 'json' | 'jsonl' | 'csv' | 'bundle';

/** How a data-file format is stored and served. */
export interface FormatInfo {
  /** File extension, without the dot. */
  readonly extension: string;
  readonly mediaType: string;
}

/** Extension and media type of every encoded format, for manifests and documentation. */
export const FORMAT_INFO: { readonly [format in EncodedFormat]: FormatInfo } = {
  json: { extension: 'json', mediaType: JSON_MEDIA_TYPE },
  jsonl: { extension: 'jsonl', mediaType: JSONL_MEDIA_TYPE },
  csv: { extension: 'csv', mediaType: CSV_MEDIA_TYPE },
  bundle: { extension: 'jsonl', mediaType: JSONL_MEDIA_TYPE },
};

/** The encoded formats, in the order documentation lists them. */
export const ENCODED_FORMATS: readonly EncodedFormat[] = ['json', 'jsonl', 'csv', 'bundle'];

/** Creates the encoder that writes one category's data file in `format`. */
export function createEncoder(format: EncodedFormat, ctx: EncoderContext): FormatEncoder {
  switch (format) {
    case 'json':
      return new JsonEncoder(ctx);
    case 'jsonl':
      return new JsonlEncoder(ctx);
    case 'csv':
      return new CsvEncoder(ctx);
    case 'bundle':
      return new BundleEncoder(ctx);
  }
}
