import type { FastifyInstance } from 'fastify';
import { toError } from '../../errors/index.js';
import type { ApiContext } from '../api-context.js';
import { sendProblem } from '../problem.js';

/** `/healthz` (the process answers) and `/readyz` (its database, source and storage answer). */
export function healthRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/healthz', { schema: { summary: 'Liveness', tags: ['operations'] } }, () => ({
    status: 'ok',
  }));
  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: database, platform source and storage reachable',
        tags: ['operations'],
      },
    },
    async (_request, reply) => {
      const checks = {
        database: ctx.store.ping(),
        source: ctx.source.ping(),
        storage: ctx.storage.ping(),
      };
      const failed: string[] = [];
      for (const [name, check] of Object.entries(checks)) {
        try {
          await check;
        } catch (error) {
          failed.push(`${name}: ${toError(error).message}`);
        }
      }
      if (failed.length > 0)
        return sendProblem(reply, 'not_ready', `Not ready: ${failed.join('; ')}`);
      return { status: 'ready' };
    },
  );
}
