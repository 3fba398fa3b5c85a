import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context.js';
import { requireTenant, tenantOf } from '../auth.js';
import { BEARER_AUTH } from '../openapi-conventions.js';
import { problems } from '../problem-responses.js';
import { EXAMPLE_EXPORT_ID } from '../schemas.js';
import { findExport, IdParams } from './exports.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const Time = Type.String({ format: 'date-time', description: 'RFC 3339 UTC with milliseconds.' });

/** The answer of `GET /v1/exports/{id}/mail`: how the export's mail fared, never its address. */
export const ExportMailObject = Type.Object(
  {
    object: Type.Literal('export_mail'),
    export_id: Type.String({ examples: [EXAMPLE_EXPORT_ID] }),
    status: Type.String({
      enum: ['none', 'pending', 'sent', 'failed', 'skipped'],
      description:
        '`none`: the request gave no `notify_email` (or the mail ended more than 30 days ago and was forgotten); `pending`: the export has not ended yet, or the mail is being tried; `sent`: the SMTP server accepted it; `failed`: given up; `skipped`: the export was canceled, so no mail was due.',
      examples: ['sent'],
    }),
    attempts: Type.Integer({ description: 'Attempts made so far.', examples: [1] }),
    next_attempt_at: Nullable(Time),
    sent_at: Nullable(Time),
    last_error: Nullable(
      Type.String({
        description:
          "Why the last attempt failed: the mail server's own answer (the address blanked out), or the kind of failure (`Could not connect to the mail server (ESOCKET).`), never the mail server's address; the operators' log has the whole message.",
        examples: ['Could not connect to the mail server (ESOCKET).'],
      }),
    ),
  },
  {
    examples: [
      {
        object: 'export_mail',
        export_id: EXAMPLE_EXPORT_ID,
        status: 'sent',
        attempts: 1,
        next_attempt_at: null,
        sent_at: '2026-11-30T19:00:04.512Z',
        last_error: null,
      },
    ],
  },
);

/**
 * `GET /v1/exports/{id}/mail`: whether the mail `notify_email` asked for was
 * sent, failed or is still pending, without the address. Another tenant's
 * export answers 404, as a missing one does.
 */
export function exportMailRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/v1/exports/:id/mail',
    {
      onRequest: requireTenant(ctx),
      schema: {
        operationId: 'getExportMail',
        summary: "Get an export's notification mail",
        description:
          'How the mail to `notify_email` fared: its status, attempts and last error. The address itself is shown only by the export object.',
        tags: ['exports'],
        security: BEARER_AUTH,
        params: IdParams,
        response: {
          200: { description: "The export's mail.", ...ExportMailObject },
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
      const record = await findExport(ctx, tenantOf(request), id);
      const mail = await ctx.store.mails.get(id);
      if (mail === null) {
        return {
          object: 'export_mail' as const,
          export_id: id,
          status: record.notifyEmail === null ? 'none' : 'pending',
          attempts: 0,
          next_attempt_at: null,
          sent_at: null,
          last_error: null,
        };
      }
      return {
        object: 'export_mail' as const,
        export_id: id,
        status: mail.status,
        attempts: mail.attempts,
        next_attempt_at: mail.status === 'pending' ? mail.nextAttemptAt : null,
        sent_at: mail.sentAt,
        last_error: mail.lastError,
      };
    },
  );
}
