import type { FastifyInstance } from 'fastify';
import { toError } from '../../errors/index.js';
import type { ApiContext } from '../api-context.js';
import { PUBLIC } from '../openapi-conventions.js';
import { sendProblem } from '../problem.js';
import { problems } from '../schemas.js';

const status = (value: string) => ({
  type: 'object',
  properties: { status: { type: 'string', const: value } },
  required: ['status'],
});

/** `/healthz` (the process answers) and `/readyz` (its database, source and storage answer). */
export function healthRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/healthz',
    {
      schema: {
        operationId: 'getHealth',
        summary: 'Liveness',
        tags: ['operations'],
        security: PUBLIC,
        response: { 200: { description: 'The process answers.', ...status('ok') } },
      },
    },
    () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        operationId: 'getReadiness',
        summary: 'Readiness: database, platform source and storage reachable',
        tags: ['operations'],
        security: PUBLIC,
        response: {
          200: { description: 'Every dependency answers.', ...status('ready') },
          ...problems('not_ready'),
        },
      },
    },
    async (request, reply) => {
      // Settled together: a check that fails while another is pending must not
      // become an unhandled rejection (which would end the process).
      const names = ['database', 'source', 'storage'] as const;
      const outcomes = await Promise.allSettled([
        ctx.store.ping(),
        ctx.source.ping(),
        ctx.storage.ping(),
      ]);
      const failed: string[] = [];
      outcomes.forEach((outcome, i) => {
        if (outcome.status === 'rejected') {
          request.log.warn({ err: toError(outcome.reason) }, `readiness: ${names[i]} failed`);
          failed.push(`${names[i]} is not reachable`);
        }
      });
      if (failed.length > 0)
        return sendProblem(reply, 'not_ready', `Not ready: ${failed.join('; ')}`);
      return { status: 'ready' };
    },
  );
}
