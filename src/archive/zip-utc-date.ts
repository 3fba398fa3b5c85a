/**
 * A date whose local-time getters answer in UTC.
 *
 * Zip entries carry their mtime twice: an Info-ZIP "UT" field in UTC, and the
 * mandatory MS-DOS field, which yazl fills from the local-time getters. Handing
 * yazl this date makes the DOS field UTC as well, so an archive's bytes do not
 * depend on the time zone of the machine that wrote it.
 */
export class ZipUtcDate extends Date {
  override getFullYear(): number {
    return this.getUTCFullYear();
  }
  override getMonth(): number {
    return this.getUTCMonth();
  }
  override getDate(): number {
    return this.getUTCDate();
  }
  override getHours(): number {
    return this.getUTCHours();
  }
  override getMinutes(): number {
    return this.getUTCMinutes();
  }
  override getSeconds(): number {
    return this.getUTCSeconds();
  }
}
