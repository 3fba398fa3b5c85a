import type { JsonValue } from '../formats/index.js';

/** A `bytes` field's standard base64 text (RFC 4648 §4) as the bytes it stands for. */
export function bytesValue(value: JsonValue): Buffer {
  return Buffer.from(value as string, 'base64');
}
