/**
 * At most one database call left running while the caller goes on (builds
 * the next batch): the database's work and ours overlap. A call's failure is
 * held, not unhandled, until the next {@link start} or {@link settle}, which
 * rejects with it; so a failure surfaces in the order the calls were made.
 */
export class OneInFlight {
  private running: Promise<void> | null = null;

  /** Waits for the call in flight, then starts `call` and returns without waiting for it. */
  async start(call: () => Promise<void>): Promise<void> {
    await this.settle();
    const running = call();
    running.catch(() => undefined);
    this.running = running;
  }

  /** Waits for the call in flight, if any: rejects with its failure. */
  async settle(): Promise<void> {
    const running = this.running;
    this.running = null;
    await running;
  }

  /**
   * For a failure met while a call was in flight: the call's own failure if
   * it failed (a later statement fails because an earlier one did), else `error`.
   */
  async failure(error: unknown): Promise<unknown> {
    try {
      await this.settle();
    } catch (earlier) {
      return earlier;
    }
    return error;
  }
}
