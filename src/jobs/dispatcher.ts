/**
 * Tells workers that there is new work, so they need not wait for their next
 * poll. The queue of record is the exports table; a dispatcher only wakes.
 */
export interface Dispatcher {
  /** Announces that an export was created. */
  announce(exportId: string): Promise<void>;
  /** Calls `listener` on every announcement; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

/** Wakes the workers of this process (embedded mode). */
export class LocalDispatcher implements Dispatcher {
  private readonly listeners = new Set<() => void>();

  announce(): Promise<void> {
    for (const listener of this.listeners) listener();
    return Promise.resolve();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
