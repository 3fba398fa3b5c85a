import { afterAll, beforeAll, expect, test } from 'vitest';
import { redoclyLint } from '../support/redocly.js';
import { startServer, type TestServer } from '../support/portage-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({}, { worker: false });
});
afterAll(() => server.close());

test('the served description passes Redocly recommended rules with no error and no warning', async () => {
  const response = await fetch(new URL('/openapi.json', server.baseUrl));
  const problems = await redoclyLint(await response.json());
  const lines = problems.map(
    (p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`,
  );
  expect(lines).toEqual([]);
});
