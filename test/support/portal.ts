import { expect } from 'vitest';
import { api, type ApiAnswer } from './http.js';
import type { TestServer } from './portage-server.js';

/** A fresh one-time portal link for a demo tenant, from POST /v1/portal-sessions. */
export async function portalLink(
  server: TestServer,
  tenant: string,
  body: Record<string, unknown> = {},
): Promise<string> {
  const answer = await api(server.baseUrl, 'POST', '/v1/portal-sessions', {
    key: server.keys[tenant],
    body,
  });
  expect(answer.status).toBe(201);
  return answer.body.url as string;
}

/** Opens a new link the way a browser would, and returns the `Cookie` header of its session. */
export async function openPortalLink(server: TestServer, tenant: string): Promise<string> {
  const opened = await fetch(await portalLink(server, tenant), { redirect: 'manual' });
  expect(opened.status).toBe(303);
  const cookie = opened.headers.get('set-cookie') ?? '';
  return cookie.split(';')[0]!;
}

/** A JSON call of the page, with a session cookie. */
export function portalCall(
  server: TestServer,
  cookie: string,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiAnswer> {
  return api(server.baseUrl, method, path, {
    ...(options.body !== undefined && { body: options.body }),
    headers: { cookie, ...options.headers },
  });
}
