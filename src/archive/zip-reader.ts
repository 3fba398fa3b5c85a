import type { Entry, ZipFile } from 'yauzl';
import { toError } from '../errors/index.js';

/**
 * The next entry of a zip opened with `lazyEntries: true`, or null after the
 * last one. A damaged archive rejects with the reader's error.
 */
export function nextZipEntry(zip: ZipFile): Promise<Entry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (entry: Entry) => (cleanup(), resolve(entry));
    const onEnd = () => (cleanup(), resolve(null));
    const onError = (error: unknown) => (cleanup(), reject(toError(error)));
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}
