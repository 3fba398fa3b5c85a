import { exportView } from './export-view.js';
import { importView } from './import-view.js';
import type { Settings } from '../config/index.js';
import type { ObjectStore } from '../storage/index.js';
import type { PendingWebhookEvent, Store } from '../store/index.js';

/** What rendering an event's body needs. */
export interface PayloadContext {
  readonly settings: Settings;
  readonly store: Store;
  readonly storage: ObjectStore;
  /** The secret that signs Portage's own download links. */
  readonly downloadSecret: Buffer;
}

/**
 * The body of an event: `{"type", "timestamp", "data"}`, `data` being the
 * export or import object exactly as the API shows it at the time the event
 * is fanned out (a completed export's `download_url` minted then). Links are
 * built on `PORTAGE_PUBLIC_URL`, or else on this host and port. Null when
 * the object is gone.
 */
export async function renderEventPayload(
  ctx: PayloadContext,
  event: PendingWebhookEvent,
  now = new Date(),
): Promise<string | null> {
  let data: unknown;
  if (event.type.startsWith('export.')) {
    const record = await ctx.store.exports.get(event.tenantId, event.objectId);
    if (record === null) return null;
    const { settings } = ctx;
    const host =
      settings.host === '0.0.0.0' || settings.host === '::' ? 'localhost' : settings.host;
    data = await exportView(record, {
      baseUrl: settings.publicUrl ?? `http://${host}:${settings.port}`,
      secret: ctx.downloadSecret,
      ttlSeconds: settings.downloadTtlSeconds,
      storage: ctx.storage,
      now,
    });
  } else {
    const record = await ctx.store.imports.get(event.tenantId, event.objectId);
    if (record === null) return null;
    data = importView(record);
  }
  return JSON.stringify({ type: event.type, timestamp: event.createdAt, data });
}
