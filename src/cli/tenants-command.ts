import type { Limits, Settings } from '../config/index.js';
import { openStore } from '../store/index.js';

/** Options of `portage tenants limits`: the fields to override; `reset` drops every override. */
export interface TenantLimitsOptions {
  readonly tenant: string;
  readonly perDay?: number;
  readonly perMonth?: number;
  readonly maxRunning?: number;
  readonly reset?: boolean;
}

/**
 * Sets a tenant's own quotas (fields left out keep their current value) and
 * prints the limits now in force for it, as JSON.
 */
export async function tenantLimits(
  settings: Settings,
  options: TenantLimitsOptions,
): Promise<Limits> {
  const store = await openStore(settings.databaseUrl);
  try {
    const tenant = await store.tenants.get(options.tenant);
    if (tenant === null)
      throw new Error(`Unknown tenant "${options.tenant}"; create a key for it first.`);
    const changes: Partial<Limits> = {
      ...(options.perDay !== undefined && { perDay: options.perDay }),
      ...(options.perMonth !== undefined && { perMonth: options.perMonth }),
      ...(options.maxRunning !== undefined && { maxRunning: options.maxRunning }),
    };
    if (options.reset) await store.tenants.setLimits(options.tenant, changes);
    else if (Object.keys(changes).length > 0) {
      await store.tenants.setLimits(options.tenant, { ...tenant.limits, ...changes });
    }
    return await store.tenants.limitsOf(options.tenant, settings.limits);
  } finally {
    await store.close();
  }
}
