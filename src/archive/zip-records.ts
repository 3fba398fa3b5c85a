/**
 * The records of a zip archive (APPNOTE 6.3), built as bytes: each entry's
 * local header and data descriptor, the central directory, and its end.
 * Names are UTF-8 (flag bit 11); ZIP64 fields are used where a size, an
 * offset or a count passes the classic limits, or everywhere on request.
 */

/** What the central directory records of one entry. */
export interface EntryRecord {
  /** The entry's path, UTF-8. */
  readonly name: Buffer;
  /** 8 (deflate) or 0 (stored). */
  readonly method: 0 | 8;
  readonly crc32: number;
  /** Uncompressed size. */
  readonly bytes: number;
  readonly compressedBytes: number;
  /** Offset of the entry's local header from the start of the archive. */
  readonly offset: number;
  /** Its CRC-32 and sizes follow its data (flag bit 3), as when it was streamed. */
  readonly described: boolean;
  /** ZIP64 fields for this entry. */
  readonly zip64: boolean;
}

/** A DOS date and time, and the Unix time, of every entry of one archive. */
export interface EntryTimes {
  readonly dosTime: number;
  readonly dosDate: number;
  /** Seconds since the epoch, within a signed 32-bit integer. */
  readonly unixSeconds: number;
}

const LOCAL_HEADER = 0x04034b50;
const DATA_DESCRIPTOR = 0x08074b50;
const CENTRAL_HEADER = 0x02014b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const END = 0x06054b50;

/** Version needed: 2.0 (deflate), 4.5 (ZIP64). */
const VERSION_20 = 20;
const VERSION_45 = 45;
/** Made by: Unix (3), APPNOTE 6.3. */
const VERSION_MADE_BY = (3 << 8) | 63;
const UTF8_NAME = 1 << 11;
const DESCRIBED_AFTER = 1 << 3;
/** The largest value of a classic 32-bit field that does not mean "see ZIP64". */
const MAX_32 = 0xfffffffe;
/** The largest count of entries a classic end record holds. */
const MAX_16 = 0xfffe;

/** Whether an entry of these sizes at this offset needs ZIP64 fields. */
export function entryNeedsZip64(bytes: number, compressedBytes: number, offset: number): boolean {
  return bytes > MAX_32 || compressedBytes > MAX_32 || offset > MAX_32;
}

/** The entry times of `mtime`, in UTC whatever the machine's time zone, clamped to what DOS holds. */
export function entryTimes(mtime: Date): EntryTimes {
  const ms = Math.min(
    Math.max(mtime.getTime(), Date.UTC(1980, 0, 1)),
    Date.UTC(2107, 11, 31, 23, 59, 58),
  );
  const at = new Date(ms);
  const seconds = Math.floor(mtime.getTime() / 1000);
  return {
    dosDate: at.getUTCDate() | ((at.getUTCMonth() + 1) << 5) | ((at.getUTCFullYear() - 1980) << 9),
    dosTime:
      Math.floor(at.getUTCSeconds() / 2) | (at.getUTCMinutes() << 5) | (at.getUTCHours() << 11),
    unixSeconds: Math.min(Math.max(seconds, -0x80000000), 0x7fffffff),
  };
}

/**
 * The local header of an entry. A streamed entry (`sizes` undefined) has zero
 * CRC and sizes and flag bit 3: a data descriptor follows its data. An entry
 * whose sizes are known carries them here, in a ZIP64 field when `zip64`.
 */
export function localHeader(
  name: Buffer,
  method: 0 | 8,
  times: EntryTimes,
  sizes?: { readonly crc32: number; readonly bytes: number; readonly compressedBytes: number },
  zip64 = false,
): Buffer {
  const extra = sizes !== undefined && zip64 ? 20 : 0;
  const header = Buffer.alloc(30 + name.length + extra);
  header.writeUInt32LE(LOCAL_HEADER, 0);
  header.writeUInt16LE(extra > 0 ? VERSION_45 : VERSION_20, 4);
  header.writeUInt16LE(sizes === undefined ? UTF8_NAME | DESCRIBED_AFTER : UTF8_NAME, 6);
  header.writeUInt16LE(method, 8);
  header.writeUInt16LE(times.dosTime, 10);
  header.writeUInt16LE(times.dosDate, 12);
  if (sizes !== undefined) {
    header.writeUInt32LE(sizes.crc32, 14);
    header.writeUInt32LE(extra > 0 ? 0xffffffff : sizes.compressedBytes, 18);
    header.writeUInt32LE(extra > 0 ? 0xffffffff : sizes.bytes, 22);
  }
  header.writeUInt16LE(name.length, 26);
  header.writeUInt16LE(extra, 28);
  name.copy(header, 30);
  if (extra > 0 && sizes !== undefined) {
    const at = 30 + name.length;
    header.writeUInt16LE(0x0001, at);
    header.writeUInt16LE(16, at + 2);
    writeUInt64LE(header, sizes.bytes, at + 4);
    writeUInt64LE(header, sizes.compressedBytes, at + 12);
  }
  return header;
}

/** The data descriptor that follows a streamed entry's data: 8-byte sizes when `entry.zip64`. */
export function dataDescriptor(entry: EntryRecord): Buffer {
  const descriptor = Buffer.alloc(entry.zip64 ? 24 : 16);
  descriptor.writeUInt32LE(DATA_DESCRIPTOR, 0);
  descriptor.writeUInt32LE(entry.crc32, 4);
  if (entry.zip64) {
    writeUInt64LE(descriptor, entry.compressedBytes, 8);
    writeUInt64LE(descriptor, entry.bytes, 16);
  } else {
    descriptor.writeUInt32LE(entry.compressedBytes, 8);
    descriptor.writeUInt32LE(entry.bytes, 12);
  }
  return descriptor;
}

/**
 * The central directory record of an entry, with an Info-ZIP "UT" field
 * holding its mtime in UTC and, for a ZIP64 entry, both sizes and the offset.
 */
export function centralRecord(entry: EntryRecord, times: EntryTimes, mode: number): Buffer {
  const zip64 = entry.zip64 ? 28 : 0;
  const record = Buffer.alloc(46 + entry.name.length + 9 + zip64);
  record.writeUInt32LE(CENTRAL_HEADER, 0);
  record.writeUInt16LE(VERSION_MADE_BY, 4);
  record.writeUInt16LE(entry.zip64 ? VERSION_45 : VERSION_20, 6);
  record.writeUInt16LE(entry.described ? UTF8_NAME | DESCRIBED_AFTER : UTF8_NAME, 8);
  record.writeUInt16LE(entry.method, 10);
  record.writeUInt16LE(times.dosTime, 12);
  record.writeUInt16LE(times.dosDate, 14);
  record.writeUInt32LE(entry.crc32, 16);
  record.writeUInt32LE(entry.zip64 ? 0xffffffff : entry.compressedBytes, 20);
  record.writeUInt32LE(entry.zip64 ? 0xffffffff : entry.bytes, 24);
  record.writeUInt16LE(entry.name.length, 28);
  record.writeUInt16LE(9 + zip64, 30);
  // Comment length, disk number, internal attributes: 0.
  record.writeUInt32LE((mode << 16) >>> 0, 38);
  record.writeUInt32LE(entry.zip64 ? 0xffffffff : entry.offset, 42);
  let at = 46;
  at += entry.name.copy(record, at);
  // "UT": flags mtime and atime (as Info-ZIP sets them), the mtime alone follows.
  record.writeUInt16LE(0x5455, at);
  record.writeUInt16LE(5, at + 2);
  record.writeUInt8(0b11, at + 4);
  record.writeInt32LE(times.unixSeconds, at + 5);
  at += 9;
  if (entry.zip64) {
    record.writeUInt16LE(0x0001, at);
    record.writeUInt16LE(24, at + 2);
    writeUInt64LE(record, entry.bytes, at + 4);
    writeUInt64LE(record, entry.compressedBytes, at + 12);
    writeUInt64LE(record, entry.offset, at + 20);
  }
  return record;
}

/**
 * The end of the central directory, preceded by the ZIP64 end record and its
 * locator when a count, size or offset needs them (or `forceZip64`).
 */
export function endOfArchive(
  entries: number,
  directoryOffset: number,
  directoryBytes: number,
  forceZip64: boolean,
): Buffer {
  const zip64 =
    forceZip64 || entries > MAX_16 || directoryBytes > MAX_32 || directoryOffset > MAX_32;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END, 0);
  end.writeUInt16LE(zip64 ? 0xffff : entries, 8);
  end.writeUInt16LE(zip64 ? 0xffff : entries, 10);
  end.writeUInt32LE(zip64 ? 0xffffffff : directoryBytes, 12);
  end.writeUInt32LE(zip64 ? 0xffffffff : directoryOffset, 16);
  if (!zip64) return end;
  const record = Buffer.alloc(56);
  record.writeUInt32LE(ZIP64_END, 0);
  writeUInt64LE(record, 56 - 12, 4);
  record.writeUInt16LE(VERSION_MADE_BY, 12);
  record.writeUInt16LE(VERSION_45, 14);
  writeUInt64LE(record, entries, 24);
  writeUInt64LE(record, entries, 32);
  writeUInt64LE(record, directoryBytes, 40);
  writeUInt64LE(record, directoryOffset, 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(ZIP64_LOCATOR, 0);
  writeUInt64LE(locator, directoryOffset + directoryBytes, 8);
  locator.writeUInt32LE(1, 16);
  return Buffer.concat([record, locator, end]);
}

function writeUInt64LE(buffer: Buffer, value: number, offset: number): void {
  buffer.writeUInt32LE(value % 0x100000000, offset);
  buffer.writeUInt32LE(Math.floor(value / 0x100000000), offset + 4);
}
