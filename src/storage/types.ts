import type { Readable, Writable } from 'node:stream';

/** An inclusive byte range, as in an HTTP `Range: bytes=start-end` header. */
export interface ByteRange {
  /** Offset of the first byte, from 0. */
  readonly start: number;
  /** Offset of the last byte, inclusive. */
  readonly end: number;
}

/** What a writer expects to find once its bytes are stored. */
export interface ExpectedContent {
  readonly bytes: number;
  /** Lowercase hex sha256 of the whole object. */
  readonly sha256: string;
}

/** Options of {@link ObjectStore.presignGet}. */
export interface PresignGetOptions {
  /** How long the URL stays valid, in seconds. */
  readonly expiresInSeconds: number;
  /** The name a browser should save the download under (`Content-Disposition`). */
  readonly fileName: string;
}

/**
 * Where finished archives live: the local filesystem or an S3-compatible bucket.
 *
 * Keys are relative, `/`-separated paths (see `validateObjectKey`). An object is
 * written under a temporary name and becomes visible under its key only once
 * {@link PendingObject.publish} has verified it, so a failed or canceled export
 * leaves nothing behind.
 */
export interface ObjectStore {
  /** `file` for the local filesystem, `s3` for an S3-compatible store. */
  readonly kind: 'file' | 's3';
  /** Starts writing `key` under a temporary name; nothing is visible under `key` until publish. */
  beginWrite(key: string): Promise<PendingObject>;
  /** Size of a published object, or `null` when absent. */
  stat(key: string): Promise<{ bytes: number } | null>;
  /**
   * Reads a published object, or only `range` of it. Throws `ObjectNotFoundError`
   * when absent and `InvalidByteRangeError` for a malformed range; a range that
   * runs past the end is cut at the end, as HTTP does.
   */
  read(key: string, range?: ByteRange): Promise<Readable>;
  /** Deletes a published object; absent is not an error. */
  delete(key: string): Promise<void>;
  /**
   * The keys of the published objects under `prefix` (whole key segments,
   * ending in `/`, e.g. `pieces/`), in no particular order; temporary objects
   * are not among them.
   */
  list(prefix: string): AsyncIterable<string>;
  /**
   * A direct, expiring download URL (an S3 presigned GET), or `null` when Portage
   * must serve the bytes itself (the file store, behind Portage's own signed URLs).
   */
  presignGet(key: string, options: PresignGetOptions): Promise<string | null>;
  /** Resolves when the store is reachable and writable; used by readiness checks. */
  ping(): Promise<void>;
  /**
   * Deletes temporary objects last written more than `olderThanMs` ago, left by
   * writers that crashed; returns how many it deleted. Pick a threshold longer
   * than a writer can stay silent (at least the job lease).
   */
  sweepTemporary(olderThanMs: number): Promise<number>;
}

/** An object being written; visible under its key only after {@link publish}. */
export interface PendingObject {
  /** The key it will be published under. */
  readonly key: string;
  /** Where the bytes go; respect back-pressure (`pipeline`). End it before `publish`. */
  readonly writable: Writable;
  /**
   * Once `writable` has finished: re-reads the stored bytes, checks their size and
   * sha256 against `expected`, makes them durable, then makes the object visible
   * under its key (replacing any earlier object). On a mismatch throws
   * `IntegrityError` and leaves nothing behind, neither under the key nor as a
   * temporary object.
   */
  publish(expected: ExpectedContent): Promise<void>;
  /** Discards everything written; idempotent, and a no-op after a successful publish. */
  abort(): Promise<void>;
}
