import type { Writable } from 'node:stream';
import { toError } from '../errors/index.js';
import type { ExpectedContent, PendingObject } from './types.js';

/**
 * The life of a pending object, shared by every store: `publish` once, after
 * the writable ended; `abort` at any time, idempotent, waiting for a publish
 * under way. A failed publish discards what was written, and the first failure
 * is the one reported. Stores supply how to verify and place, and how to discard.
 */
export abstract class PendingObjectBase implements PendingObject {
  abstract readonly writable: Writable;
  #state: 'open' | 'publishing' | 'published' | 'aborted' = 'open';
  #publishing: Promise<void> | undefined;

  constructor(readonly key: string) {}

  publish(expected: ExpectedContent): Promise<void> {
    if (this.#state !== 'open') {
      return Promise.reject(new Error(`cannot publish ${this.key}: already ${this.#state}`));
    }
    if (!this.writable.writableEnded) {
      return Promise.reject(
        new Error(`cannot publish ${this.key}: its writable has not been ended`),
      );
    }
    this.#state = 'publishing';
    this.#publishing = this.#publish(expected);
    return this.#publishing;
  }

  async abort(): Promise<void> {
    // A publish under way runs to its end; its outcome decides whether anything is left to discard.
    await this.#publishing?.catch(() => undefined);
    if (this.#state === 'published' || this.#state === 'aborted') return;
    this.#state = 'aborted';
    await this.discard();
  }

  /** Checks the stored bytes against `expected` and makes them visible under the key; throws on mismatch. */
  protected abstract verifyAndPlace(expected: ExpectedContent): Promise<void>;

  /** Stops the write and removes everything written. */
  protected abstract discard(): Promise<void>;

  /** Tidying once published (a failure here does not undo the publish). */
  protected afterPublish(): Promise<void> {
    return Promise.resolve();
  }

  async #publish(expected: ExpectedContent): Promise<void> {
    try {
      await this.verifyAndPlace(expected);
      this.#state = 'published';
    } catch (caught) {
      const error = toError(caught);
      this.#state = 'aborted';
      await this.discard().catch(() => undefined);
      throw error;
    }
    await this.afterPublish().catch(() => undefined);
  }
}
