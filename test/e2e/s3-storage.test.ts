import { createHash } from 'node:crypto';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portageClient } from '../support/api-client.js';
import { waitForExport } from '../support/http.js';
import { startServer, type TestServer } from '../support/portage-server.js';
import {
  s3rverClient,
  setProcessEnv,
  startS3Server,
  type TestS3Server,
} from '../support/s3-server.js';

describe('an export stored in S3 (s3rver), end to end over HTTP', () => {
  let s3: TestS3Server;
  let client: S3Client;
  let restoreEnv: () => void;
  let server: TestServer;
  let exportObject: Record<string, unknown>;

  async function keys(): Promise<string[]> {
    const page = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
    return (page.Contents ?? []).map((object) => object.Key ?? '').sort();
  }

  beforeAll(async () => {
    s3 = await startS3Server();
    client = s3rverClient(s3);
    // The AWS SDK reads its endpoint, region and credentials from process.env.
    restoreEnv = setProcessEnv(s3.env);
    server = await startServer({ PORTAGE_STORAGE_URL: `s3://${s3.bucket}/exports`, ...s3.env });
    const created = await portageClient(server.baseUrl, server.keys.acme).POST('/v1/exports', {
      body: { purpose: 'migration' },
    });
    expect(created.response.status).toBe(202);
    exportObject = await waitForExport(server.baseUrl, server.keys.acme!, created.data!.id);
  });
  afterAll(async () => {
    await server?.close();
    restoreEnv?.();
    client?.destroy();
    await s3?.close();
  });

  it('completes, with the archive under the prefix and no temporary object left', async () => {
    expect(exportObject.status).toBe('completed');
    const file = exportObject.file as { name: string };
    const stored = await keys();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatch(new RegExp(`^exports/.*${file.name.replace(/\./g, '\\.')}$`));
    expect(stored.filter((key) => key.includes('.tmp/'))).toEqual([]);
  });

  it('gives a presigned download_url, and redirects /download to a fresh one, both with file.sha256', async () => {
    const file = exportObject.file as { name: string; bytes: number; sha256: string };
    const link = new URL(exportObject.download_url as string);
    expect(link.origin).toBe(s3.endpoint);
    expect(Number(link.searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(86_400);
    const byKey = await fetch(
      new URL(`/v1/exports/${String(exportObject.id)}/download`, server.baseUrl),
      { headers: { authorization: `Bearer ${server.keys.acme}` }, redirect: 'manual' },
    );
    expect(byKey.status).toBe(302);
    const redirected = new URL(byKey.headers.get('location') ?? '');
    for (const location of [link, redirected]) {
      expect(location.origin).toBe(s3.endpoint);
      expect(location.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
      const download = await fetch(location);
      expect(download.status).toBe(200);
      expect(download.headers.get('content-disposition')).toBe(
        `attachment; filename="${file.name}"`,
      );
      const bytes = Buffer.from(await download.arrayBuffer());
      expect(bytes.length).toBe(file.bytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
    }
  });

  it('removes the object when the completed export is deleted', async () => {
    const deleted = await portageClient(server.baseUrl, server.keys.acme).DELETE(
      '/v1/exports/{id}',
      { params: { path: { id: exportObject.id as string } } },
    );
    expect(deleted.response.status).toBe(200);
    expect(await keys()).toEqual([]);
  });
});
