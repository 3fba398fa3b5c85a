import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefersHtml } from '../../src/api/html-problem.js';
import { startServer, type TestServer } from '../support/portage-server.js';

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('Accept decides between a page and a problem (SPEC 12.4)', () => {
  it('prefers HTML only when text/html weighs at least every JSON type named', () => {
    expect(prefersHtml(BROWSER)).toBe(true);
    expect(prefersHtml('text/html, */*')).toBe(true);
    expect(prefersHtml('text/*')).toBe(true);
    expect(prefersHtml('*/*')).toBe(false);
    expect(prefersHtml(undefined)).toBe(false);
    expect(prefersHtml('application/json')).toBe(false);
    expect(prefersHtml('application/json, text/html;q=0.5')).toBe(false);
    expect(prefersHtml('text/html;q=0')).toBe(false);
  });

  describe('an unknown page under /portal or /docs', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer({}, { worker: false });
    });
    afterAll(async () => {
      await server.close();
    });

    for (const path of ['/portal/nope', '/portal/', '/docs/nope', '/docs/openapi.json'])
      it(`${path}: a 404 page for a browser, a 404 problem otherwise, with the same code`, async () => {
        const page = await fetch(new URL(path, server.baseUrl), { headers: { accept: BROWSER } });
        expect(page.status).toBe(404);
        expect(page.headers.get('content-type')).toMatch(/^text\/html/);
        expect(await page.text()).toContain('route_not_found');

        for (const accept of ['*/*', 'application/json']) {
          const problem = await fetch(new URL(path, server.baseUrl), { headers: { accept } });
          expect(problem.status).toBe(404);
          expect(problem.headers.get('content-type')).toContain('application/problem+json');
          expect(((await problem.json()) as { code: string }).code).toBe('route_not_found');
        }
      });

    it('keeps API paths problem+json whatever Accept says', async () => {
      const answer = await fetch(new URL('/v1/nope', server.baseUrl), {
        headers: { accept: BROWSER },
      });
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
    });
  });
});
