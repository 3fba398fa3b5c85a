import type { ByteRange, ExpectedContent } from './types.js';

/** Base of the errors an object store throws on purpose; `code` is stable and machine-readable. */
export abstract class StorageError extends Error {
  abstract readonly code: string;
}

/** A key that is not a safe relative path (`..`, absolute, NUL, empty segment, reserved prefix). */
export class InvalidObjectKeyError extends StorageError {
  override readonly name = 'InvalidObjectKeyError';
  readonly code = 'invalid_object_key';

  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid object key ${JSON.stringify(key)}: ${reason}`);
  }
}

/** A read of a key that holds no published object. */
export class ObjectNotFoundError extends StorageError {
  override readonly name = 'ObjectNotFoundError';
  readonly code = 'object_not_found';

  constructor(readonly key: string) {
    super(`no object stored under ${JSON.stringify(key)}`);
  }
}

/** A byte range that is not `0 <= start <= end` in whole numbers. */
export class InvalidByteRangeError extends StorageError {
  override readonly name = 'InvalidByteRangeError';
  readonly code = 'invalid_byte_range';

  constructor(
    readonly key: string,
    readonly range: ByteRange,
  ) {
    super(`invalid byte range ${range.start}-${range.end} for ${JSON.stringify(key)}`);
  }
}

/** Throws {@link InvalidByteRangeError} unless `range` is absent or `0 <= start <= end` in whole numbers. */
export function checkByteRange(key: string, range: ByteRange | undefined): void {
  if (range === undefined) return;
  const { start, end } = range;
  if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && end >= start)) {
    throw new InvalidByteRangeError(key, range);
  }
}

/** Stored bytes that do not match what the writer produced; nothing was published. */
export class IntegrityError extends StorageError {
  override readonly name = 'IntegrityError';
  readonly code = 'storage_integrity_mismatch';

  constructor(
    readonly key: string,
    readonly expected: ExpectedContent,
    readonly actual: ExpectedContent,
  ) {
    super(
      `stored object for ${JSON.stringify(key)} does not match what was written: ` +
        `expected ${expected.bytes} bytes sha256 ${expected.sha256}, ` +
        `found ${actual.bytes} bytes sha256 ${actual.sha256}`,
    );
  }
}

/** A storage setting that cannot be used; `setting` names the variable to fix. */
export class StorageConfigError extends StorageError {
  override readonly name = 'StorageConfigError';
  readonly code = 'invalid_storage_config';

  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
  }
}

/** The `code` of a Node.js system error (`ENOENT`…), or undefined. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
