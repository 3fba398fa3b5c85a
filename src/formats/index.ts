export * from './types.js';
export { ValueError, previewValue } from './value-error.js';
export {
  toJsonValue,
  compileConverter,
  compileRowConverter,
  type ValueConverter,
} from './value-model.js';
export {
  timestampFromText,
  timestampFromEpochMs,
  dateFromText,
  dateFromDate,
  MIN_EPOCH_MS,
  MAX_EPOCH_MS,
} from './timestamp-text.js';
export { stringifyJson } from './canonical-json.js';
export { parseJson, JsonTextError, MAX_JSON_DEPTH } from './json-reader.js';
export {
  JsonNumber,
  JsonNumberRangeError,
  canonicalNumberText,
  jsonNumberOf,
  type JsonNumberValue,
} from './json-number.js';
export { ByteWriter } from './byte-writer.js';
export { RecordWriter } from './record-writer.js';
export { JsonEncoder, JSON_MEDIA_TYPE } from './json-encoder.js';
export { BundleEncoder, JsonlEncoder, JSONL_MEDIA_TYPE } from './jsonl-encoder.js';
export { CsvEncoder, CSV_MEDIA_TYPE } from './csv-encoder.js';
export {
  createEncoder,
  FORMAT_INFO,
  ENCODED_FORMATS,
  type EncodedFormat,
  type FormatInfo,
} from './encoder-registry.js';
export {
  categoryJsonSchema,
  schemaPath,
  JSON_SCHEMA_DIALECT,
  type JsonObject,
} from './json-schema.js';
