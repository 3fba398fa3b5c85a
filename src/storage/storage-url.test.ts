import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStore } from './file-store.js';
import { S3Store } from './s3-store.js';
import { openStore, parseStorageUrl } from './storage-url.js';

const options = { dataDir: '/var/lib/portage' };

describe('PORTAGE_STORAGE_URL', () => {
  it('defaults to <dataDir>/archives when unset', () => {
    expect(parseStorageUrl(undefined, options)).toEqual({
      kind: 'file',
      root: '/var/lib/portage/archives',
    });
    expect(parseStorageUrl('', options)).toEqual(parseStorageUrl(undefined, options));
  });

  it('reads absolute and relative file URLs', () => {
    expect(parseStorageUrl('file:///srv/exports%20zips', options)).toEqual({
      kind: 'file',
      root: '/srv/exports zips',
    });
    expect(parseStorageUrl('file:./exports', options)).toEqual({
      kind: 'file',
      root: resolve('exports'),
    });
    expect(parseStorageUrl('file:exports/zips', options)).toEqual({
      kind: 'file',
      root: join(process.cwd(), 'exports/zips'),
    });
  });

  it('opens a file store at that directory', async () => {
    const store = await openStore('file:///srv/exports', options);
    expect(store).toBeInstanceOf(FileStore);
    expect((store as FileStore).root).toBe('/srv/exports');
  });

  it('opens an S3 store on the bucket and prefix of an s3 URL', async () => {
    expect(parseStorageUrl('s3://my-bucket/portage/exports', options)).toEqual({
      kind: 's3',
      bucket: 'my-bucket',
      prefix: 'portage/exports/',
    });
    const store = await openStore('s3://my-bucket/portage/exports', options);
    expect(store).toBeInstanceOf(S3Store);
    expect(store).toMatchObject({ kind: 's3', bucket: 'my-bucket', prefix: 'portage/exports/' });
    expect(await openStore('s3://my-bucket', options)).toMatchObject({ prefix: '' });
  });

  it.each(['http://example.com/x', 'file://remote-host/x', 's3://B/x', 'file:/abs', 'ftp:x'])(
    'refuses %j naming PORTAGE_STORAGE_URL',
    async (url) => {
      await expect(openStore(url, options)).rejects.toThrow(/^PORTAGE_STORAGE_URL: /);
    },
  );

  it('refuses credentials in the URL without repeating them', () => {
    for (const url of [
      's3://AKIAEXAMPLE:wJalrXUtnFEMI@bucket/',
      's3://AKIAEXAMPLE:wJalrXUtnFEMI@Bad_Bucket/',
      'https://AKIAEXAMPLE:wJalrXUtnFEMI@s3.example.com/bucket',
    ]) {
      let message = '';
      try {
        parseStorageUrl(url, options);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message, url).toMatch(/PORTAGE_STORAGE_URL/);
      expect(message, url).toContain('[REDACTED]@');
      expect(message, url).not.toMatch(/AKIAEXAMPLE|wJalrXUtnFEMI/);
    }
  });
});
