/** A shared snapshot that no longer exists: its exporting transaction ended. */
export class SnapshotGoneError extends Error {
  constructor(
    readonly snapshotId: string,
    options?: ErrorOptions,
  ) {
    super(`snapshot ${snapshotId} is gone: the export that held it ended`, options);
    this.name = 'SnapshotGoneError';
  }
}
