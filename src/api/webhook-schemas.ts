import { Type, type Static } from '@sinclair/typebox';
import { WEBHOOK_EVENT_TYPES } from '../store/index.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const Time = Type.String({ format: 'date-time', description: 'RFC 3339 UTC with milliseconds.' });

/** `POST /v1/webhook-endpoints` body. */
export const CreateWebhookEndpointBody = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      maxLength: 2048,
      description:
        'Where events are POSTed: an `http` or `https` URL without credentials. Private, loopback and link-local destinations are refused when sending.',
      examples: ['https://hooks.example.com/portage'],
    }),
    events: Type.Optional(
      Type.Array(Type.String({ enum: [...WEBHOOK_EVENT_TYPES] }), {
        minItems: 1,
        uniqueItems: true,
        description: 'The events to send (default: every event).',
        examples: [['export.completed', 'export.failed']],
      }),
    ),
    description: Type.Optional(
      Type.String({ maxLength: 500, examples: ['Notify the billing service'] }),
    ),
  },
  { additionalProperties: false },
);
export type CreateWebhookEndpointBody = Static<typeof CreateWebhookEndpointBody>;

/** `PATCH /v1/webhook-endpoints/{id}` body: each field left out keeps its value. */
export const UpdateWebhookEndpointBody = Type.Object(
  {
    url: Type.Optional(CreateWebhookEndpointBody.properties.url),
    events: Type.Optional(
      Type.Array(Type.String({ enum: [...WEBHOOK_EVENT_TYPES] }), {
        minItems: 1,
        uniqueItems: true,
        description: 'The events to send from now on.',
        examples: [['export.completed', 'export.failed']],
      }),
    ),
    description: Type.Optional(
      Nullable(Type.String({ maxLength: 500, examples: ['Notify the billing service'] })),
    ),
    status: Type.Optional(
      Type.String({
        enum: ['enabled', 'disabled'],
        description:
          '`enabled` re-enables a disabled endpoint: its run of failures starts again from zero, and it receives the events that happen from now on (deliveries given up while it was disabled are not resent). `disabled` stops sending to it and gives up its pending deliveries.',
        examples: ['enabled'],
      }),
    ),
  },
  { additionalProperties: false },
);
export type UpdateWebhookEndpointBody = Static<typeof UpdateWebhookEndpointBody>;

const endpointExample = {
  id: 'we_4k2m9q7x1c8v5b3n6h0j2t7r',
  object: 'webhook_endpoint',
  url: 'https://hooks.example.com/portage',
  description: 'Notify the billing service',
  events: ['export.completed', 'export.failed'],
  status: 'enabled',
  created_at: '2026-11-30T18:04:05.123Z',
  disabled_at: null,
  disabled_reason: null,
  secret: null,
};

const endpointFields = {
  id: Type.String({ description: 'Unguessable id, `we_` prefix.' }),
  object: Type.Literal('webhook_endpoint'),
  url: Type.String(),
  description: Nullable(Type.String()),
  events: Type.Array(Type.String({ enum: [...WEBHOOK_EVENT_TYPES] })),
  status: Type.String({
    enum: ['enabled', 'disabled'],
    description:
      'An endpoint whose every attempt failed for 5 days in a row is `disabled`, as is one its tenant disabled; `PATCH` it with `{"status": "enabled"}` to enable it again.',
  }),
  created_at: Time,
  disabled_at: Nullable(Time),
  disabled_reason: Nullable(Type.String()),
  secret: Type.Null({
    description:
      'Always `null` here: the signing secret is shown only by the answer that created the endpoint.',
  }),
};

/** A webhook endpoint; its secret is shown only by the answer that created it. */
export const WebhookEndpointObject = Type.Object(endpointFields, {
  $id: 'WebhookEndpoint',
  examples: [endpointExample],
});

/** The answer of `POST /v1/webhook-endpoints`: the endpoint and its secret, this once. */
export const CreatedWebhookEndpoint = Type.Object(
  {
    ...endpointFields,
    secret: Type.String({
      description:
        'The signing secret, `whsec_` and base64: give it to the `standardwebhooks` library to verify deliveries. Shown only here.',
    }),
  },
  {
    examples: [
      { ...endpointExample, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw9ybrEbmRfIs=' },
    ],
  },
);

/** `GET /v1/webhook-endpoints`. */
export const WebhookEndpointList = Type.Object({
  data: Type.Array(Type.Ref('WebhookEndpoint')),
});

const Attempt = Type.Object({
  number: Type.Integer({ description: '1 for the first attempt.' }),
  started_at: Time,
  outcome: Type.String({
    enum: ['sending', 'succeeded', 'failed', 'timeout', 'refused', 'interrupted'],
    description:
      '`refused`: the destination resolved to a forbidden address; `interrupted`: the process sending it stopped, the delivery was sent again.',
  }),
  duration_ms: Nullable(Type.Integer()),
  response_status: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
});

/** One event's delivery to one endpoint, with every attempt. */
export const WebhookDeliveryObject = Type.Object(
  {
    id: Type.String({ description: '`whd_` prefix.' }),
    object: Type.Literal('webhook_delivery'),
    event_id: Type.String({
      description: 'The event id, sent as `webhook-id`: the same at every attempt.',
    }),
    event_type: Type.String({ enum: [...WEBHOOK_EVENT_TYPES] }),
    endpoint_id: Type.String(),
    status: Type.String({ enum: ['pending', 'succeeded', 'failed'] }),
    created_at: Time,
    completed_at: Nullable(Time),
    next_attempt_at: Nullable(Time),
    attempts: Type.Array(Attempt),
  },
  {
    $id: 'WebhookDelivery',
    examples: [
      {
        id: 'whd_8c2n4m6q0x1v3b5k7j9h2g4f',
        object: 'webhook_delivery',
        event_id: 'evt_5f0c3a9e1b7d4c2a8e6f0b1d3c5a7e',
        event_type: 'export.completed',
        endpoint_id: 'we_4k2m9q7x1c8v5b3n6h0j2t7r',
        status: 'pending',
        created_at: '2026-11-30T18:04:05.123Z',
        completed_at: null,
        next_attempt_at: '2026-11-30T18:04:10.456Z',
        attempts: [
          {
            number: 1,
            started_at: '2026-11-30T18:04:05.200Z',
            outcome: 'failed',
            duration_ms: 84,
            response_status: 503,
            error: 'Answered 503.',
          },
        ],
      },
    ],
  },
);

/** `GET /v1/webhook-endpoints/{id}/deliveries`. */
export const WebhookDeliveryList = Type.Object({
  data: Type.Array(Type.Ref('WebhookDelivery')),
  next_cursor: Nullable(Type.String({ description: 'Pass as `cursor` for the next page.' })),
});
