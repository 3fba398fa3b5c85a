import { ERROR_CODES, type ErrorCode } from '../errors/index.js';
import { ERROR_GUIDE } from '../errors/error-guide.js';
import type { Settings } from '../config/index.js';
import { SECURITY_SCHEMES } from './openapi-conventions.js';

/**
 * The top of `/openapi.json`: what Portage is, how to authenticate, limits,
 * and the table of error codes — the introduction `/docs` shows first.
 */
export function openApiDocument(settings: Settings) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Portage API',
      version: '1',
      summary: 'Complete, verifiable exports of everything a platform holds about a customer.',
      description: introduction(settings),
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [
      {
        url: settings.publicUrl ?? '/',
        description:
          settings.publicUrl === null
            ? 'This Portage deployment.'
            : 'This Portage deployment (`PORTAGE_PUBLIC_URL`).',
      },
    ],
    components: { securitySchemes: SECURITY_SCHEMES },
    tags: [
      { name: 'exports', description: 'Create, follow and download exports.' },
      { name: 'imports', description: 'Import a bundle archive back, exactly.' },
      { name: 'catalog', description: 'What exports contain, and what they never contain.' },
      { name: 'signing', description: 'The public keys that sign audit exports and bundles.' },
      {
        name: 'portal',
        description:
          "The customer's page: a one-time link from the platform's backend, then a cookie session on `/portal`.",
      },
      {
        name: 'webhooks',
        description:
          'Signed notifications when an export or import ends (Standard Webhooks): endpoints and their deliveries.',
      },
      { name: 'operations', description: 'Health, readiness and metrics, for operators.' },
    ],
  };
}

function introduction(settings: Settings): string {
  const { perDay, perMonth } = settings.limits;
  return `Portage gives each customer of the platform a complete export of their data: every category the catalog includes, in the formats the purpose asks for, in a zip archive with a manifest, SHA-256 checksums and, for audits, a signature. What an export holds and what it never holds is published at [/docs/export](/docs/export).

## Authentication

Every \`/v1/exports\` and \`/v1/imports\` endpoint takes the tenant's API key as a bearer token:

    curl -H "Authorization: Bearer $PORTAGE_KEY" ${settings.publicUrl ?? 'http://127.0.0.1:8080'}/v1/exports

A key belongs to one tenant and sees only that tenant's exports and imports: another tenant's id answers \`404\`, exactly as a missing one does. A missing, unknown, revoked or expired key answers \`401 unauthorized\`. The operator creates keys with \`portage keys create --tenant <id>\`. A \`download_url\` needs no key: its signature is the credential, until \`download_url_expires_at\`. The catalog, this reference, the signing keys and the health endpoints are public; \`/metrics\` takes the operator's token.

## Asynchronous exports, idempotency, limits

\`POST /v1/exports\` answers \`202\` at once with a \`pending\` export and its \`Location\`; poll it until \`status\` is \`completed\` (then download) or \`failed\` (then read \`error.code\`). Send an \`Idempotency-Key\` header to retry a creation safely: the same key and body within 24 hours answer the same export with \`Idempotent-Replayed: true\` and spend no quota. Each tenant may create ${perDay} exports per 24 hours and ${perMonth} per 30 days by default; each answer carries \`RateLimit-Policy\` and \`RateLimit\`, and a refusal \`429\` with \`Retry-After\`.

## Errors

Every error is an RFC 9457 \`application/problem+json\` body with a machine-readable \`code\`; a \`validation_failed\` problem lists each bad field in \`errors\` with a JSON pointer. A failed export or import carries one of the same codes in \`error.code\`.

${errorTable()}
`;
}

/** The Markdown table of every error code: its status, meaning and remedy. */
export function errorTable(): string {
  const rows = (Object.keys(ERROR_CODES) as ErrorCode[]).map((code) => {
    const { status, retryable } = ERROR_CODES[code];
    const { meaning, action } = ERROR_GUIDE[code];
    return `| \`${code}\` | ${status} | ${meaning} | ${action}${retryable ? ' Retrying later can succeed.' : ''} |`;
  });
  return ['| Code | HTTP status | What it means | What to do |', '|---|---|---|---|', ...rows].join(
    '\n',
  );
}
