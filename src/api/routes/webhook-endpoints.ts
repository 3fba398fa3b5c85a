import { isIP } from 'node:net';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { PortageError } from '../../errors/index.js';
import {
  WEBHOOK_EVENT_TYPES,
  type WebhookDeliveryRecord,
  type WebhookEndpointRecord,
  type WebhookEventType,
} from '../../store/index.js';
import { forbiddenReason } from '../../webhooks/destination-guard.js';
import type { ApiContext } from '../api-context.js';
import { requireTenant, tenantOf } from '../auth.js';
import {
  CreatedWebhookEndpoint,
  CreateWebhookEndpointBody,
  UpdateWebhookEndpointBody,
  WebhookDeliveryList,
  WebhookDeliveryObject,
  WebhookEndpointList,
  WebhookEndpointObject,
} from '../webhook-schemas.js';
import { BEARER_AUTH } from '../openapi-conventions.js';
import { problems } from '../problem-responses.js';

const security = BEARER_AUTH;
const IdParams = Type.Object({ id: Type.String({ examples: ['we_4k2m9q7x1c8v5b3n6h0j2t7r'] }) });

/** Endpoints one tenant may have. */
export const MAX_WEBHOOK_ENDPOINTS = 20;

/**
 * `/v1/webhook-endpoints…`: a tenant's webhook endpoints and their
 * deliveries. Another tenant's endpoint answers 404, as a missing one does.
 */
export function webhookEndpointRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { store } = ctx;
  const auth = requireTenant(ctx);
  app.addSchema(WebhookEndpointObject);
  app.addSchema(WebhookDeliveryObject);

  const find = async (tenant: string, id: string): Promise<WebhookEndpointRecord> => {
    const endpoint = await store.webhookEndpoints.get(tenant, id);
    if (endpoint === null) {
      throw new PortageError(
        'not_found',
        `No webhook endpoint "${id}" exists for this API key's tenant.`,
      );
    }
    return endpoint;
  };

  app.post(
    '/v1/webhook-endpoints',
    {
      onRequest: auth,
      schema: {
        summary: 'Create a webhook endpoint',
        operationId: 'createWebhookEndpoint',
        description: `Events are POSTed to \`url\`, signed as Standard Webhooks do with the \`secret\` of this answer, which is shown only once. At most ${MAX_WEBHOOK_ENDPOINTS} endpoints per tenant.`,
        tags: ['webhooks'],
        security,
        body: CreateWebhookEndpointBody,
        response: {
          201: {
            description: 'The endpoint, with its signing secret.',
            ...CreatedWebhookEndpoint,
          },
          ...problems(
            'malformed_json',
            'unauthorized',
            'tenant_not_found',
            'identity_provider_unavailable',
            'unsupported_media_type',
            'validation_failed',
          ),
        },
      },
    },
    async (request, reply) => {
      const tenant = tenantOf(request);
      const body = request.body as CreateWebhookEndpointBody;
      const url = checkedUrl(body.url, ctx.settings.webhooks.allowPrivate);
      if ((await store.webhookEndpoints.count(tenant)) >= MAX_WEBHOOK_ENDPOINTS) {
        throw new PortageError(
          'validation_failed',
          `A tenant may have at most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints; delete one first.`,
        );
      }
      const { endpoint, secret } = await store.webhookEndpoints.create({
        tenantId: tenant,
        url,
        events: (body.events as WebhookEventType[] | undefined) ?? [...WEBHOOK_EVENT_TYPES],
        description: body.description ?? null,
      });
      return reply
        .code(201)
        .header('Location', `/v1/webhook-endpoints/${endpoint.id}`)
        .send({ ...endpointView(endpoint), secret });
    },
  );

  app.get(
    '/v1/webhook-endpoints',
    {
      onRequest: auth,
      schema: {
        summary: 'List webhook endpoints',
        operationId: 'listWebhookEndpoints',
        description: "Your tenant's endpoints, newest first. Secrets are never shown again.",
        tags: ['webhooks'],
        security,
        response: {
          200: WebhookEndpointList,
          ...problems('unauthorized', 'tenant_not_found', 'identity_provider_unavailable'),
        },
      },
    },
    async (request) => {
      const endpoints = await store.webhookEndpoints.list(tenantOf(request));
      return { data: endpoints.map(endpointView) };
    },
  );

  app.get(
    '/v1/webhook-endpoints/:id',
    {
      onRequest: auth,
      schema: {
        summary: 'Get a webhook endpoint',
        operationId: 'getWebhookEndpoint',
        tags: ['webhooks'],
        security,
        params: IdParams,
        response: {
          200: Type.Ref('WebhookEndpoint'),
          ...problems(
            'unauthorized',
            'tenant_not_found',
            'identity_provider_unavailable',
            'not_found',
          ),
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      return endpointView(await find(tenantOf(request), id));
    },
  );

  app.patch(
    '/v1/webhook-endpoints/:id',
    {
      onRequest: auth,
      schema: {
        summary: 'Update a webhook endpoint',
        operationId: 'updateWebhookEndpoint',
        description:
          'Changes its `url`, `events` or `description`, or enables it again after it was disabled (`{"status": "enabled"}`), which starts its run of failures from zero. Fields left out keep their value; the secret stays the same.',
        tags: ['webhooks'],
        security,
        params: IdParams,
        body: UpdateWebhookEndpointBody,
        response: {
          200: Type.Ref('WebhookEndpoint'),
          ...problems(
            'malformed_json',
            'unauthorized',
            'tenant_not_found',
            'identity_provider_unavailable',
            'not_found',
            'unsupported_media_type',
            'validation_failed',
          ),
        },
      },
    },
    async (request) => {
      const tenant = tenantOf(request);
      const { id } = request.params as { id: string };
      const body = request.body as UpdateWebhookEndpointBody;
      const url =
        body.url === undefined
          ? undefined
          : checkedUrl(body.url, ctx.settings.webhooks.allowPrivate);
      const updated = await store.webhookEndpoints.update(tenant, id, {
        url,
        events: body.events as WebhookEventType[] | undefined,
        description: body.description,
        status: body.status as 'enabled' | 'disabled' | undefined,
      });
      if (updated === null) {
        throw new PortageError(
          'not_found',
          `No webhook endpoint "${id}" exists for this API key's tenant.`,
        );
      }
      return endpointView(updated);
    },
  );

  app.delete(
    '/v1/webhook-endpoints/:id',
    {
      onRequest: auth,
      schema: {
        summary: 'Delete a webhook endpoint',
        operationId: 'deleteWebhookEndpoint',
        description: 'Stops its deliveries, pending ones included, and forgets them.',
        tags: ['webhooks'],
        security,
        params: IdParams,
        response: {
          204: { description: 'Deleted.', type: 'null' },
          ...problems(
            'unauthorized',
            'tenant_not_found',
            'identity_provider_unavailable',
            'not_found',
          ),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!(await store.webhookEndpoints.delete(tenantOf(request), id))) {
        throw new PortageError(
          'not_found',
          `No webhook endpoint "${id}" exists for this API key's tenant.`,
        );
      }
      return reply.code(204).send();
    },
  );

  app.get(
    '/v1/webhook-endpoints/:id/deliveries',
    {
      onRequest: auth,
      schema: {
        summary: "List a webhook endpoint's deliveries",
        operationId: 'listWebhookDeliveries',
        description:
          'Newest first: each event sent to this endpoint, its status, and every attempt (time, outcome, duration, response status, error).',
        tags: ['webhooks'],
        security,
        params: IdParams,
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
            cursor: Type.Optional(
              Type.String({ description: '`next_cursor` of the previous page.' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: WebhookDeliveryList,
          ...problems(
            'unauthorized',
            'tenant_not_found',
            'identity_provider_unavailable',
            'not_found',
            'validation_failed',
          ),
        },
      },
    },
    async (request) => {
      const tenant = tenantOf(request);
      const { id } = request.params as { id: string };
      const query = request.query as { limit?: number; cursor?: string };
      await find(tenant, id);
      const limit = query.limit ?? 20;
      const page = await store.webhookDeliveries.list(tenant, id, limit + 1, query.cursor ?? null);
      const data = page.slice(0, limit);
      return {
        data: data.map(deliveryView),
        next_cursor: page.length > limit ? (data.at(-1)?.id ?? null) : null,
      };
    },
  );
}

/**
 * The endpoint URL, refused with a 422 naming `/url` when it is obviously
 * unusable: not `http`/`https`, with credentials, or an IP literal on a
 * forbidden address. Names that resolve to one are refused when sending.
 */
function checkedUrl(raw: string, allowPrivate: boolean): string {
  const refuse = (detail: string): never => {
    throw new PortageError('validation_failed', `The webhook URL is not usable: ${detail}`, {
      errors: [{ pointer: '/url', detail }],
    });
  };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('it is not an absolute URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    refuse(`the scheme must be https or http (got ${url.protocol.slice(0, -1)}).`);
  }
  if (url.username !== '' || url.password !== '') {
    refuse('the URL must not carry a user name or password.');
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && isIP(host) !== 0) {
    const reason = forbiddenReason(host);
    if (reason !== null) refuse(`${reason}; webhooks go to public addresses only.`);
  }
  if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost'))) {
    refuse('localhost is not a public address; webhooks go to public addresses only.');
  }
  return url.href;
}

function endpointView(endpoint: WebhookEndpointRecord) {
  return {
    id: endpoint.id,
    object: 'webhook_endpoint' as const,
    url: endpoint.url,
    description: endpoint.description,
    events: [...endpoint.events],
    status: endpoint.status,
    created_at: endpoint.createdAt,
    disabled_at: endpoint.disabledAt,
    disabled_reason: endpoint.disabledReason,
    // Shown only by the answer that created the endpoint.
    secret: null,
  };
}

function deliveryView(delivery: WebhookDeliveryRecord) {
  return {
    id: delivery.id,
    object: 'webhook_delivery' as const,
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    endpoint_id: delivery.endpointId,
    status: delivery.status,
    created_at: delivery.createdAt,
    completed_at: delivery.completedAt,
    next_attempt_at: delivery.nextAttemptAt,
    attempts: delivery.attempts.map((a) => ({
      number: a.number,
      started_at: a.startedAt,
      outcome: a.outcome,
      duration_ms: a.durationMs,
      response_status: a.responseStatus,
      error: a.error,
    })),
  };
}
