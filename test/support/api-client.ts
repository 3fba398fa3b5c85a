import createClient, { type Client } from 'openapi-fetch';
import { OpenApiValidator } from './openapi-validator.js';
import type { paths } from './portage-api.js';

/** A client of the Portage API, typed from its OpenAPI description. */
export type PortageClient = Client<paths>;

const validators = new Map<string, Promise<OpenApiValidator>>();

/** The validator of the description `baseUrl` serves, fetched once per server. */
export function validatorOf(baseUrl: string): Promise<OpenApiValidator> {
  let validator = validators.get(baseUrl);
  if (validator === undefined) {
    validator = OpenApiValidator.of(baseUrl);
    validators.set(baseUrl, validator);
  }
  return validator;
}

/**
 * The client generated from `/openapi.json` (`openapi-typescript` types,
 * `openapi-fetch` calls), with `key` as its bearer credential; every answer
 * is checked against the description (status, schema, problem code) before
 * the test sees it, so that the description cannot drift from the server.
 */
export function portageClient(baseUrl: string, key?: string): PortageClient {
  const client = createClient<paths>({
    baseUrl,
    redirect: 'manual',
    ...(key !== undefined && { headers: { authorization: `Bearer ${key}` } }),
  });
  client.use({
    async onResponse({ request, response }) {
      const text = await response.clone().text();
      const type = response.headers.get('content-type');
      const body =
        text !== '' && /json/.test(type ?? '') ? (JSON.parse(text) as unknown) : undefined;
      (await validatorOf(baseUrl)).check(request.method, request.url, response.status, type, body);
      return undefined;
    },
  });
  return client;
}
