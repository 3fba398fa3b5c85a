import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Size and sha256 of a byte stream. */
export interface ByteDigest {
  readonly bytes: number;
  /** Lowercase hex. */
  readonly sha256: string;
}

/**
 * A pass-through stream that counts and hashes the bytes flowing through it.
 * Strings written to it are UTF-8 encoded. {@link digest} is available once the
 * stream has finished.
 */
export class DigestStream extends Transform {
  readonly #hash: Hash = createHash('sha256');
  #bytes = 0;
  #digest: ByteDigest | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#hash.update(chunk);
    this.#bytes += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.#digest = { bytes: this.#bytes, sha256: this.#hash.digest('hex') };
    callback();
  }

  /** The size and sha256 of everything written. @throws Error before the stream has finished. */
  digest(): ByteDigest {
    if (!this.#digest) throw new Error('digest read before the stream finished');
    return this.#digest;
  }
}
