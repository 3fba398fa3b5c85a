import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/http.js';
import { startServer, type TestServer } from '../support/portage-server.js';

describe('the public completeness documentation', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ PORTAGE_LIMIT_PER_DAY: '7' }, { worker: false });
  });
  afterAll(async () => server?.close());

  it('GET /v1/catalog lists every category, included or not and why, with every field, without a key', async () => {
    const answer = await api<{
      categories: {
        name: string;
        included: boolean;
        reason?: string;
        fields?: { name: string }[];
        excluded_fields?: { name: string; reason: string }[];
      }[];
      rate_limits: { exports_per_24_hours: number };
      csv_dialect: string[];
      archive_layout: { path: string }[];
      verification: string[];
    }>(server.baseUrl, 'GET', '/v1/catalog');
    expect(answer.status).toBe(200);
    const { catalog } = server.runtime;
    expect(answer.body.categories.map((c) => c.name)).toEqual(
      catalog.categories.map((c) => c.name),
    );
    for (const category of catalog.categories) {
      const entry = answer.body.categories.find((c) => c.name === category.name)!;
      if (!category.included) {
        expect(entry.reason).toBe(category.reason);
        continue;
      }
      expect(entry.fields!.map((f) => f.name)).toEqual(category.fields.map((f) => f.name));
      expect(entry.excluded_fields).toEqual(
        category.excludedFields.map((f) => ({ name: f.name, reason: f.reason })),
      );
    }
    expect(answer.body.categories.find((c) => c.name === 'users')!.excluded_fields![0]!.name).toBe(
      'password_hash',
    );
    expect(answer.body.rate_limits.exports_per_24_hours).toBe(7);
    expect(answer.body.archive_layout.map((e) => e.path)).toContain('SHA256SUMS');
    expect(answer.body.csv_dialect.join(' ')).toMatch(/CRLF/);
    expect(answer.body.verification.join(' ')).toMatch(/sha256sum -c SHA256SUMS/);
  });

  it('GET /docs/export is a readable HTML page naming every category and every exclusion reason', async () => {
    const page = await fetch(new URL('/docs/export', server.baseUrl));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    for (const category of server.runtime.catalog.categories) {
      expect(html).toContain(`<code>${category.name}</code>`);
    }
    expect(html).toContain('A credential: even hashed, a password never leaves the platform.');
    expect(html).not.toMatch(/<script/i);
  });
});
