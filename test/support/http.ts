import { portageClient, validatorOf } from './api-client.js';

/** A JSON answer from the API, with its status and headers. */
export interface ApiAnswer<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/**
 * Calls the API over real HTTP and parses the JSON answer, checked against the
 * description like the client's. For requests the description does not allow
 * (malformed JSON, a wrong content type, an unknown field, a missing or
 * malformed Authorization header, a hostile path): a call the description
 * allows goes through `portageClient`, which types it.
 */
export async function api<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  options: {
    key?: string;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  } else if (options.rawBody !== undefined) {
    body = options.rawBody;
  }
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers,
    body,
    redirect: 'manual',
  });
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : null;
  // Every answer is checked against the description the server publishes.
  (await validatorOf(baseUrl)).check(
    method,
    path,
    response.status,
    response.headers.get('content-type'),
    text ? parsed : undefined,
  );
  return { status: response.status, headers: response.headers, body: parsed as T };
}

/** Polls an export until it leaves `pending`/`running`, or fails the test after `timeoutMs`. */
export async function waitForExport(
  baseUrl: string,
  key: string,
  id: string,
  timeoutMs = 60_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  const client = portageClient(baseUrl, key);
  for (;;) {
    const { data, error } = await client.GET('/v1/exports/{id}', { params: { path: { id } } });
    if (data === undefined) throw new Error(`export ${id}: ${JSON.stringify(error)}`);
    const body = data as unknown as Record<string, unknown>;
    if (body.status !== 'pending' && body.status !== 'running') return body;
    if (Date.now() > deadline)
      throw new Error(`export ${id} still ${String(body.status)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
