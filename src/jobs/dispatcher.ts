/**
 * How the API hands a new export to the workers. The export row is written
 * first; the announcement only tells the queue about it, so a lost
 * announcement delays an export but never loses it (the reaper, or the
 * embedded worker's poll, finds it).
 */
export interface Dispatcher {
  /** Announces that an export was created. Never throws: failures are logged. */
  announce(exportId: string): Promise<void>;
}

/** Wakes the polling workers of this process (embedded mode). */
export class LocalDispatcher implements Dispatcher {
  private readonly listeners = new Set<() => void>();

  announce(): Promise<void> {
    for (const listener of this.listeners) listener();
    return Promise.resolve();
  }

  /** Calls `listener` on every announcement; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
