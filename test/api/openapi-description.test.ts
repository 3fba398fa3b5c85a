import { afterAll, beforeAll, expect, test } from 'vitest';
import { OpenApiValidator } from '../support/openapi-validator.js';
import { redoclyLint } from '../support/redocly.js';
import { startServer, type TestServer } from '../support/portage-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({}, { worker: false });
});
afterAll(() => server.close());

/**
 * The one rule the description breaks on purpose: the mailed export link is a
 * signed redirect (302 to a freshly minted download) and has no 2XX answer to give.
 */
const ACCEPTED = [
  {
    ruleId: 'operation-2xx-response',
    pointer: '#/paths/~1v1~1exports~1{id}~1email-link/get/responses',
  },
];

test('the served description passes Redocly recommended rules with no error and no warning', async () => {
  const response = await fetch(new URL('/openapi.json', server.baseUrl));
  const problems = (await redoclyLint(await response.json())).filter(
    (p) => !ACCEPTED.some((a) => a.ruleId === p.ruleId && a.pointer === p.location[0]?.pointer),
  );
  const lines = problems.map(
    (p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`,
  );
  expect(lines).toEqual([]);
});

test('the validator the end-to-end tests use refuses answers the description does not promise', async () => {
  const validator = await OpenApiValidator.of(server.baseUrl);
  const path = '/v1/exports/exp_3m9q2wz7k4hx8v1c6t5rn0bd';
  const problem = (code: string, status: number) => ({
    type: `https://portage.dev/problems/${code}`,
    title: 'Title',
    status,
    detail: 'Detail.',
    code,
  });
  const json = 'application/problem+json';
  expect(() => validator.check('GET', path, 401, json, problem('unauthorized', 401))).not.toThrow();
  // The right shape with a code the description does not list for that status.
  expect(() => validator.check('GET', path, 401, json, problem('malformed_json', 401))).toThrow(
    /code malformed_json, which its description does not list for 401/,
  );
  // A status the operation does not document.
  expect(() => validator.check('GET', path, 409, json, problem('export_not_ready', 409))).toThrow(
    /a status its description does not list/,
  );
  // A body missing a field of its schema, and a body of the wrong media type.
  expect(() => validator.check('GET', path, 200, 'application/json', { id: 'exp_x' })).toThrow(
    /breaks its schema/,
  );
  expect(() => validator.check('GET', path, 404, 'text/html', '<p>')).toThrow(/as text\/html/);
});
