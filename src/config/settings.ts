import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { DEFAULT_STORAGE_RETRY, type StorageRetry } from '../storage/s3-retry.js';
import { readMailSettings, type MailSettings } from './mail-settings.js';

/** A configuration problem, naming the setting at fault. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Portage's settings, resolved from the environment, then the config file, then defaults. */
export interface Settings {
  /** HTTP port. (`PORT`, default 8080) */
  readonly port: number;
  /**
   * Address the HTTP server binds. (`PORTAGE_HOST`, else `HOST`; default
   * `127.0.0.1` in demo mode, so the demo's printed keys stay on this machine,
   * `0.0.0.0` otherwise)
   */
  readonly host: string;
  /** Directory holding everything Portage keeps. (`PORTAGE_DATA_DIR`, default `./.portage`) */
  readonly dataDir: string;
  /**
   * Portage's own state and its job queue: a SQLite path (embedded mode) or a
   * `postgres://` URL (production, queue on pg-boss).
   * (`PORTAGE_DATABASE_URL`, default `<data dir>/portage.sqlite`)
   */
  readonly databaseUrl: string;
  /** The platform's database. (`PORTAGE_SOURCE_URL`, default `<data dir>/demo-platform.sqlite`) */
  readonly sourceUrl: string;
  /** Where the platform keeps attachment files. (`PORTAGE_FILES_DIR`, default `<data dir>/demo-files`) */
  readonly filesDir: string;
  /** Where archives go. (`PORTAGE_STORAGE_URL`, default `file://<data dir>/archives`) */
  readonly storageUrl: string;
  /** The catalog file. (`PORTAGE_CATALOG`, default the bundled demo catalog) */
  readonly catalogFile: string | null;
  /**
   * Base of Portage's absolute URLs, such as `download_url`. (`PORTAGE_PUBLIC_URL`,
   * default: the request's own scheme and host, checked to be `http`/`https`
   * and a plain host name)
   */
  readonly publicUrl: string | null;
  /**
   * Addresses or CIDR ranges of the proxies whose `X-Forwarded-For`,
   * `X-Forwarded-Proto` and `X-Forwarded-Host` are believed; from anyone else
   * these headers are ignored. (`PORTAGE_TRUST_PROXY`, comma-separated, default: none)
   */
  readonly trustProxy: readonly string[];
  /**
   * Bearer token that `GET /metrics` requires; unset, `/metrics` answers 401.
   * (`PORTAGE_METRICS_TOKEN`, default: none)
   */
  readonly metricsToken: string | null;
  /**
   * How log lines are written: `json` (one object per line, for a log
   * collector) or `pretty` (coloured, readable lines for a person).
   * (`PORTAGE_LOG_FORMAT`, default: `pretty` when standard output is a terminal, else `json`)
   */
  readonly logFormat: LogFormat | null;
  readonly webhooks: WebhookSettings;
  readonly http: HttpLimits;
  /** Whether the bundled demo platform is used (true when `PORTAGE_SOURCE_URL` is unset). */
  readonly demo: boolean;
  readonly limits: Limits;
  /** Largest bundle archive `POST /v1/imports` accepts, in bytes. (`PORTAGE_IMPORT_MAX_BYTES`, default 2147483648) */
  readonly importMaxBytes: number;
  /**
   * Most bytes an import's archive may inflate to, counted while inflating.
   * (`PORTAGE_IMPORT_MAX_EXPANDED_BYTES`, default 4294967296: 4 GiB)
   */
  readonly importMaxExpandedBytes: number;
  /**
   * Largest data file of an archive, in bytes: a category's file that would
   * pass it is written as numbered parts, `data/<category>.part-00001.<ext>`,
   * each a complete file of at least one record. (`PORTAGE_PART_BYTES`,
   * default 1073741824: 1 GiB)
   */
  readonly partBytes: number;
  /**
   * Splits large exports over the workers: with PostgreSQL as both the source
   * and Portage's state (pg-boss), a category of more rows than this is read
   * in key ranges of this many rows by every worker process at once, in one
   * snapshot, and assembled into the archive a single worker would write.
   * 0 keeps every export on one worker. (`PORTAGE_EXPORT_SPLIT_ROWS`, default 0)
   */
  readonly splitRows: number;
  readonly importLimits: ImportQuota;
  /**
   * How each S3 request of an archive write (each part of its upload) is
   * retried, the part alone: `PORTAGE_STORAGE_RETRY_ATTEMPTS` (default 12),
   * `PORTAGE_STORAGE_RETRY_BASE_MS` (default 1000, doubled each retry),
   * `PORTAGE_STORAGE_RETRY_MAX_MS` (default 20000): together they outlast an
   * outage of 151 s before `PORTAGE_RETRY_ATTEMPTS` rebuilds the archive.
   */
  readonly storageRetry: StorageRetry;
  /** Lifetime of a download URL. (`PORTAGE_DOWNLOAD_TTL_SECONDS`, default 86400) */
  readonly downloadTtlSeconds: number;
  /** How long a completed archive is kept. (`PORTAGE_RETENTION_SECONDS`, default 604800) */
  readonly retentionSeconds: number;
  /**
   * Days an ended webhook delivery (with its attempts and event) or export
   * mail stays listed before housekeeping forgets it.
   * (`PORTAGE_NOTIFICATION_RETENTION_DAYS`, 1–3650, default 30)
   */
  readonly notificationRetentionDays: number;
  /** A worker's lease on a running export; renewed every third of it. (`PORTAGE_LEASE_SECONDS`, default 30) */
  readonly leaseSeconds: number;
  /** Attempts before an export fails for good. (`PORTAGE_MAX_ATTEMPTS`, default 3) */
  readonly maxAttempts: number;
  /**
   * Tries of an export's archive write when storage or the platform database
   * fails transiently (refused, reset, timed out, S3 5xx or `SlowDown`), the
   * first included; each retry writes the whole archive again. Also bounds the
   * retries of a worker's own state writes. (`PORTAGE_RETRY_ATTEMPTS`, default 5)
   */
  readonly retryAttempts: number;
  /**
   * Wait before the first retry, in ms, doubled before each next one and
   * jittered down by up to half. (`PORTAGE_RETRY_BASE_MS`, default 500)
   */
  readonly retryBaseMs: number;
  /** Exports one worker process runs at once. (`PORTAGE_WORKER_CONCURRENCY`, default 2) */
  readonly workerConcurrency: number;
  /** How often an idle worker looks for work, in ms; at least 500 with PostgreSQL. (`PORTAGE_POLL_MS`, default 500) */
  readonly pollMs: number;
  /**
   * How often each worker's reaper hands stalled exports back to the queue (pending
   * ones whose announcement was lost, running ones whose lease lapsed), in seconds.
   * (`PORTAGE_REAPER_SECONDS`, default 15)
   */
  readonly reaperSeconds: number;
  /**
   * On SIGTERM, how long running exports may take to finish before they are
   * released back to the queue, in seconds. (`PORTAGE_SHUTDOWN_GRACE_SECONDS`, default 10)
   */
  readonly shutdownGraceSeconds: number;
  /**
   * PKCS#8 PEM file of the Ed25519 private key that signs audit exports; every
   * process must read the same file. (`PORTAGE_SIGNING_KEY_FILE`, default: none —
   * a key is created in {@link signingKeysDir} on first start and used from there)
   */
  readonly signingKeyFile: string | null;
  /**
   * Folder of the signing keyring: the public half of every key that ever signed
   * (so old exports still verify) and, without `PORTAGE_SIGNING_KEY_FILE`, the
   * active private key (mode 0600). (`PORTAGE_SIGNING_KEYS_DIR`, default `<data dir>/signing-keys`)
   */
  readonly signingKeysDir: string;
  /**
   * A JWKS file (or PEM public keys) of other deployments whose bundles an
   * import trusts, as it trusts this deployment's own: how a fresh platform
   * trusts the bundles of the one it replaces. A bundle signed by one of these
   * keys, or by a key of this deployment's keyring, may write platform-owned
   * data. (`PORTAGE_IMPORT_TRUSTED_KEYS`, default: none — only this
   * deployment's own keys)
   */
  readonly importTrustedKeys: string | null;
  /**
   * Tokens of the platform's identity provider accepted as a tenant's bearer
   * credential, besides API keys. (Default: none — API keys only)
   */
  readonly platformTokens: PlatformTokenSettings | null;
  /** Mailing an export's end to `notify_email`; null when mail is off. See {@link MailSettings}. */
  readonly mail: MailSettings | null;
  /** Lifetimes on the customer's page (`/portal`). */
  readonly portal: PortalLifetimes;
}

/** How long a portal link and a portal session last. */
export interface PortalLifetimes {
  /** Time to open a link from `POST /v1/portal-sessions`, at most 300. (`PORTAGE_PORTAL_LINK_SECONDS`, default 300) */
  readonly linkSeconds: number;
  /** Length of the cookie session a link starts, at most 3600. (`PORTAGE_PORTAL_SESSION_SECONDS`, default 3600) */
  readonly sessionSeconds: number;
}

/**
 * How Portage verifies a JWT issued by the platform's identity provider: its
 * signature (RS256, ES256 or EdDSA) against the provider's key set, its
 * expiry and not-before times, its issuer and audience; the tenant is a claim.
 */
export interface PlatformTokenSettings {
  /**
   * The provider's public keys: a JWKS file read at start, or an `https` URL
   * fetched when needed and cached (`http` only on a loopback address).
   * (`PORTAGE_AUTH_JWKS`, required to accept tokens)
   */
  readonly jwks: { readonly file: string } | { readonly url: string };
  /** The `iss` every token must carry. (`PORTAGE_AUTH_ISSUER`, required with `PORTAGE_AUTH_JWKS`) */
  readonly issuer: string;
  /** An `aud` every token must carry. (`PORTAGE_AUTH_AUDIENCE`, required with `PORTAGE_AUTH_JWKS`) */
  readonly audience: string;
  /** The claim naming the tenant. (`PORTAGE_AUTH_TENANT_CLAIM`, default `tenant`) */
  readonly tenantClaim: string;
  /**
   * How long a fetch of a JWKS URL may take before the request it serves
   * answers 503. (`PORTAGE_AUTH_JWKS_TIMEOUT_MS`, default 5000)
   */
  readonly jwksTimeoutMs: number;
}

/** How log lines are written; see {@link Settings.logFormat}. */
export type LogFormat = 'json' | 'pretty';

/** Per-tenant quotas; each tenant may override them. */
export interface Limits {
  /** Exports per rolling 24 hours. (`PORTAGE_LIMIT_PER_DAY`, default 10) */
  readonly perDay: number;
  /** Exports per rolling 30 days. (`PORTAGE_LIMIT_PER_MONTH`, default 50) */
  readonly perMonth: number;
  /** Exports of one tenant running at once; more wait as `pending`. (`PORTAGE_MAX_RUNNING`, default 2) */
  readonly maxRunning: number;
}

/** How webhooks are sent. */
export interface WebhookSettings {
  /**
   * Send webhooks to private, loopback and link-local addresses too; for tests
   * and closed networks only. (`PORTAGE_WEBHOOK_ALLOW_PRIVATE`, `true` or `false`, default false)
   */
  readonly allowPrivate: boolean;
  /** Time an attempt may take, connection to answer. (`PORTAGE_WEBHOOK_TIMEOUT_SECONDS`, default 10) */
  readonly timeoutSeconds: number;
  /** Webhooks one process sends at once. (`PORTAGE_WEBHOOK_CONCURRENCY`, default 8) */
  readonly concurrency: number;
  /** Webhooks to one endpoint in flight at once, across every process. (`PORTAGE_WEBHOOK_ENDPOINT_CONCURRENCY`, default 2) */
  readonly perEndpoint: number;
}

/** Per-tenant quotas of imports; each tenant may override them. */
export interface ImportQuota {
  /** Imports per rolling 24 hours. (`PORTAGE_IMPORT_LIMIT_PER_DAY`, default 10) */
  readonly perDay: number;
  /**
   * Imports of one tenant running at once, across every process; more wait as
   * `pending`. (`PORTAGE_IMPORT_MAX_RUNNING`, default 1)
   */
  readonly maxRunning: number;
  /**
   * Imports one process runs at once, of any tenants, so that one tenant's
   * long import does not hold up another's; into a SQLite platform (one
   * writer) always 1. (`PORTAGE_IMPORT_CONCURRENCY`, default 4)
   */
  readonly concurrency: number;
}

/**
 * Bounds on HTTP connections, so that slow or idle clients cannot hold the
 * server's sockets. Node checks the header and request timeouts every
 * `min(headersTimeoutMs, 1000)` ms or so, so they are enforced to about that.
 */
export interface HttpLimits {
  /** Time to receive a request's whole header block. (`PORTAGE_HTTP_HEADERS_TIMEOUT_MS`, default 10000) */
  readonly headersTimeoutMs: number;
  /**
   * Time to receive a whole request, body included: a larger import upload over a
   * slow link needs more. (`PORTAGE_HTTP_REQUEST_TIMEOUT_MS`, default 120000)
   */
  readonly requestTimeoutMs: number;
  /** A connection on which nothing moves for this long is closed. (`PORTAGE_HTTP_IDLE_TIMEOUT_MS`, default 30000) */
  readonly idleTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. (`PORTAGE_HTTP_KEEP_ALIVE_TIMEOUT_MS`, default 5000) */
  readonly keepAliveTimeoutMs: number;
  /** Open connections at most; more are closed at once. (`PORTAGE_HTTP_MAX_CONNECTIONS`, default 1024) */
  readonly maxConnections: number;
}

type Source = Readonly<Record<string, string | undefined>>;

/**
 * Resolves the settings. `env` wins over the JSON config file named by
 * `PORTAGE_CONFIG` (default `./portage.config.json` when it exists), whose keys
 * are the same variable names. A bad value throws a {@link ConfigError} naming it.
 */
export function loadSettings(env: Source = process.env, cwd = process.cwd()): Settings {
  const source = { ...readConfigFile(env, cwd), ...definedOnly(env) };
  const text = (name: string): string | undefined => {
    const value = source[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const int = (name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      throw new ConfigError(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
    }
    return Number(raw);
  };
  const bool = (name: string, fallback: boolean) => {
    const raw = text(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (raw !== 'true' && raw !== 'false') {
      throw new ConfigError(`${name} must be true or false (got "${raw}")`);
    }
    return raw === 'true';
  };

  const dataDir = resolve(cwd, text('PORTAGE_DATA_DIR') ?? '.portage');
  const sourceUrl = text('PORTAGE_SOURCE_URL');
  const publicUrl = text('PORTAGE_PUBLIC_URL');
  if (publicUrl !== undefined && !/^https?:\/\/[^/]+/.test(publicUrl)) {
    throw new ConfigError(`PORTAGE_PUBLIC_URL must be an http(s) URL (got "${publicUrl}")`);
  }
  const http = {
    headersTimeoutMs: int('PORTAGE_HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 3_600_000),
    requestTimeoutMs: int('PORTAGE_HTTP_REQUEST_TIMEOUT_MS', 120_000, 100, 86_400_000),
    idleTimeoutMs: int('PORTAGE_HTTP_IDLE_TIMEOUT_MS', 30_000, 100, 3_600_000),
    keepAliveTimeoutMs: int('PORTAGE_HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 3_600_000),
    maxConnections: int('PORTAGE_HTTP_MAX_CONNECTIONS', 1024, 1, 1_000_000),
  };
  if (http.headersTimeoutMs > http.requestTimeoutMs) {
    throw new ConfigError(
      `PORTAGE_HTTP_HEADERS_TIMEOUT_MS (${http.headersTimeoutMs}) must not exceed PORTAGE_HTTP_REQUEST_TIMEOUT_MS (${http.requestTimeoutMs})`,
    );
  }
  const catalog = text('PORTAGE_CATALOG');
  const signingKeyFile = text('PORTAGE_SIGNING_KEY_FILE');
  const importTrustedKeys = text('PORTAGE_IMPORT_TRUSTED_KEYS');
  const logFormat = text('PORTAGE_LOG_FORMAT');
  if (logFormat !== undefined && logFormat !== 'json' && logFormat !== 'pretty') {
    throw new ConfigError(`PORTAGE_LOG_FORMAT must be json or pretty (got "${logFormat}")`);
  }
  const mail = readMailSettings(text);
  if ('error' in mail) throw new ConfigError(mail.error);
  return {
    port: int('PORT', 8080, 0, 65535),
    host:
      text('PORTAGE_HOST') ?? text('HOST') ?? (sourceUrl === undefined ? '127.0.0.1' : '0.0.0.0'),
    dataDir,
    databaseUrl: text('PORTAGE_DATABASE_URL') ?? resolve(dataDir, 'portage.sqlite'),
    sourceUrl: sourceUrl ?? resolve(dataDir, 'demo-platform.sqlite'),
    filesDir: resolve(cwd, text('PORTAGE_FILES_DIR') ?? resolve(dataDir, 'demo-files')),
    storageUrl: text('PORTAGE_STORAGE_URL') ?? `file://${resolve(dataDir, 'archives')}`,
    catalogFile: catalog === undefined ? null : resolve(cwd, catalog),
    publicUrl: publicUrl?.replace(/\/+$/, '') ?? null,
    trustProxy: trustedProxies(text('PORTAGE_TRUST_PROXY')),
    metricsToken: text('PORTAGE_METRICS_TOKEN') ?? null,
    logFormat: logFormat ?? null,
    webhooks: {
      allowPrivate: bool('PORTAGE_WEBHOOK_ALLOW_PRIVATE', false),
      timeoutSeconds: int('PORTAGE_WEBHOOK_TIMEOUT_SECONDS', 10, 1, 60),
      concurrency: int('PORTAGE_WEBHOOK_CONCURRENCY', 8, 1, 256),
      perEndpoint: int('PORTAGE_WEBHOOK_ENDPOINT_CONCURRENCY', 2, 1, 64),
    },
    http,
    demo: sourceUrl === undefined,
    limits: {
      perDay: int('PORTAGE_LIMIT_PER_DAY', 10, 0),
      perMonth: int('PORTAGE_LIMIT_PER_MONTH', 50, 0),
      maxRunning: int('PORTAGE_MAX_RUNNING', 2, 1),
    },
    importMaxBytes: int('PORTAGE_IMPORT_MAX_BYTES', 2 * 1024 ** 3, 1),
    importMaxExpandedBytes: int('PORTAGE_IMPORT_MAX_EXPANDED_BYTES', 4 * 1024 ** 3, 1),
    partBytes: int('PORTAGE_PART_BYTES', 1024 ** 3, 1),
    splitRows: int('PORTAGE_EXPORT_SPLIT_ROWS', 0, 0),
    importLimits: {
      perDay: int('PORTAGE_IMPORT_LIMIT_PER_DAY', 10, 0),
      maxRunning: int('PORTAGE_IMPORT_MAX_RUNNING', 1, 1),
      concurrency: int('PORTAGE_IMPORT_CONCURRENCY', 4, 1, 64),
    },
    storageRetry: {
      attempts: int('PORTAGE_STORAGE_RETRY_ATTEMPTS', DEFAULT_STORAGE_RETRY.attempts, 1, 1000),
      baseMs: int('PORTAGE_STORAGE_RETRY_BASE_MS', DEFAULT_STORAGE_RETRY.baseMs, 1, 600_000),
      maxMs: int('PORTAGE_STORAGE_RETRY_MAX_MS', DEFAULT_STORAGE_RETRY.maxMs, 1, 3_600_000),
    },
    downloadTtlSeconds: int('PORTAGE_DOWNLOAD_TTL_SECONDS', 86_400, 1),
    retentionSeconds: int('PORTAGE_RETENTION_SECONDS', 604_800, 1),
    notificationRetentionDays: int('PORTAGE_NOTIFICATION_RETENTION_DAYS', 30, 1, 3650),
    leaseSeconds: int('PORTAGE_LEASE_SECONDS', 30, 1),
    maxAttempts: int('PORTAGE_MAX_ATTEMPTS', 3, 1),
    retryAttempts: int('PORTAGE_RETRY_ATTEMPTS', 5, 1, 20),
    retryBaseMs: int('PORTAGE_RETRY_BASE_MS', 500, 1, 600_000),
    workerConcurrency: int('PORTAGE_WORKER_CONCURRENCY', 2, 1, 64),
    pollMs: int('PORTAGE_POLL_MS', 500, 10),
    reaperSeconds: int('PORTAGE_REAPER_SECONDS', 15, 1, 86_400),
    shutdownGraceSeconds: int('PORTAGE_SHUTDOWN_GRACE_SECONDS', 10, 0, 3600),
    signingKeyFile: signingKeyFile === undefined ? null : resolve(cwd, signingKeyFile),
    signingKeysDir: resolve(
      cwd,
      text('PORTAGE_SIGNING_KEYS_DIR') ?? resolve(dataDir, 'signing-keys'),
    ),
    importTrustedKeys: importTrustedKeys === undefined ? null : resolve(cwd, importTrustedKeys),
    platformTokens: platformTokens(text, int, cwd),
    mail: mail.mail,
    portal: {
      linkSeconds: int('PORTAGE_PORTAL_LINK_SECONDS', 300, 1, 300),
      sessionSeconds: int('PORTAGE_PORTAL_SESSION_SECONDS', 3600, 60, 3600),
    },
  };
}

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** The `PORTAGE_AUTH_*` settings, or null when `PORTAGE_AUTH_JWKS` is unset. */
function platformTokens(
  text: (name: string) => string | undefined,
  int: (name: string, fallback: number, min: number, max?: number) => number,
  cwd: string,
): PlatformTokenSettings | null {
  const jwks = text('PORTAGE_AUTH_JWKS');
  const issuer = text('PORTAGE_AUTH_ISSUER');
  const audience = text('PORTAGE_AUTH_AUDIENCE');
  const tenantClaim = text('PORTAGE_AUTH_TENANT_CLAIM') ?? 'tenant';
  const jwksTimeoutMs = int('PORTAGE_AUTH_JWKS_TIMEOUT_MS', 5_000, 1, 60_000);
  if (jwks === undefined) {
    const stray = ['PORTAGE_AUTH_ISSUER', 'PORTAGE_AUTH_AUDIENCE', 'PORTAGE_AUTH_TENANT_CLAIM'];
    const set = stray.find((name) => text(name) !== undefined);
    if (set !== undefined)
      throw new ConfigError(`${set} is set but PORTAGE_AUTH_JWKS is not: set both, or neither`);
    return null;
  }
  for (const [name, value] of [
    ['PORTAGE_AUTH_ISSUER', issuer],
    ['PORTAGE_AUTH_AUDIENCE', audience],
  ] as const) {
    if (value === undefined)
      throw new ConfigError(`${name} is required when PORTAGE_AUTH_JWKS is set`);
  }
  if (!/^[A-Za-z_][A-Za-z0-9_.:/-]{0,99}$/.test(tenantClaim))
    throw new ConfigError(`PORTAGE_AUTH_TENANT_CLAIM must be a claim name (got "${tenantClaim}")`);
  return {
    jwks: jwksSource(jwks, cwd),
    issuer: issuer!,
    audience: audience!,
    tenantClaim,
    jwksTimeoutMs,
  };
}

function jwksSource(raw: string, cwd: string): PlatformTokenSettings['jwks'] {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ConfigError(`PORTAGE_AUTH_JWKS is not a valid URL (got "${raw}")`);
    }
    const secure =
      url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.test(url.hostname));
    if (!secure)
      throw new ConfigError(
        `PORTAGE_AUTH_JWKS must be a file or an https:// URL (http:// only on a loopback address; got "${raw}")`,
      );
    return { url: url.href };
  }
  const file = resolve(cwd, raw);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = existsSync(file) ? 'is not readable JSON' : 'does not exist';
    throw new ConfigError(`PORTAGE_AUTH_JWKS: ${file} ${reason}`, { cause: error });
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0)
    throw new ConfigError(`PORTAGE_AUTH_JWKS: ${file} must hold a JWKS: {"keys": [ … ]}`);
  return { file };
}

/** The proxies of `PORTAGE_TRUST_PROXY`: IPv4 or IPv6 addresses, each with an optional `/prefix`. */
function trustedProxies(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  const entries = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [address = '', prefix, ...rest] = entry.split('/');
    const family = isIP(address);
    const max = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= max);
    if (family === 0 || !prefixOk || rest.length > 0) {
      throw new ConfigError(
        `PORTAGE_TRUST_PROXY must list IP addresses or CIDR ranges, comma-separated (got "${entry}")`,
      );
    }
  }
  return entries;
}

function definedOnly(env: Source): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

function readConfigFile(env: Source, cwd: string): Record<string, string> {
  const named = env['PORTAGE_CONFIG'];
  const file = named
    ? isAbsolute(named)
      ? named
      : resolve(cwd, named)
    : resolve(cwd, 'portage.config.json');
  if (!named && !existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`PORTAGE_CONFIG: ${file} is not readable JSON (${String(error)})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`PORTAGE_CONFIG: ${file} must hold a JSON object of settings`);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      throw new ConfigError(`${key} in ${file} must be a string, number or boolean`);
    }
    out[key] = String(value);
  }
  return out;
}
