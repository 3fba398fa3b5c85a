import type { Catalog } from '../catalog/index.js';
import type { Settings } from '../config/index.js';
import type { Keyring } from '../signing/index.js';
import type { SourceDatabase } from '../sources/index.js';
import type { ObjectStore } from '../storage/index.js';
import type { Store } from '../store/index.js';
import type { EventLog } from './lifecycle-log.js';
import type { PieceQueue } from './piece-queue.js';

/** What running an export needs: Portage's state, the platform, the catalog, storage. */
export interface ExportContext {
  readonly settings: Settings;
  readonly store: Store;
  readonly source: SourceDatabase;
  readonly catalog: Catalog;
  readonly storage: ObjectStore;
  /** Signs audit manifests; its public keys are served at `/v1/signing-keys`. */
  readonly keyring: Keyring;
  /** Where a coordinator sends the pieces of a split export; absent where the queue is not shared. */
  readonly pieces?: PieceQueue;
  /** Receives one event per export or import state change. (Default: none, nothing is logged) */
  readonly log?: EventLog;
}
