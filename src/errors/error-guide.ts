import type { ErrorCode } from './error-codes.js';

/** What a reader of a problem needs to know about one code. */
export interface ErrorGuide {
  /** What happened, in one sentence. */
  readonly meaning: string;
  /** What the caller can do about it. */
  readonly action: string;
  /** A `detail` as Portage writes it, for the reference's examples. */
  readonly example: string;
}

/**
 * The reference's explanation of every code of {@link ERROR_CODES}: the error
 * table of `/docs` and the problem examples of `/openapi.json` are built from
 * it. A new code needs its entry here (the type says so).
 */
export const ERROR_GUIDE: Readonly<Record<ErrorCode, ErrorGuide>> = {
  malformed_json: {
    meaning: 'The body is not valid JSON, or is empty.',
    action: 'Send one JSON object with `Content-Type: application/json`.',
    example: 'The body is not valid JSON: Unexpected end of JSON input',
  },
  bad_request: {
    meaning:
      'The request is not well-formed: malformed HTTP, a URL that does not decode, a missing or malformed Host, an `Expect` other than `100-continue`.',
    action: 'Fix the request; the `detail` says what is wrong.',
    example: 'The URL does not decode: a percent-encoded byte sequence is not UTF-8.',
  },
  unauthorized: {
    meaning: 'No API key was sent, or the key is not known (revoked, expired or mistyped).',
    action: 'Send `Authorization: Bearer <key>` with a valid key of your tenant.',
    example: 'Send your API key as `Authorization: Bearer <key>`.',
  },
  identity_provider_unavailable: {
    meaning:
      "A JWT was sent, and the platform's identity provider's key set (`PORTAGE_AUTH_JWKS`) could not be fetched in time to verify it.",
    action: 'Retry after `Retry-After` seconds; if it persists, the operator checks the JWKS URL.',
    example: "The platform's identity provider did not answer in time; retry shortly.",
  },
  portal_link_invalid: {
    meaning: 'The portal link is not one Portage made (mistyped, cut short or forged).',
    action: "Go back to the platform and open the customer's page again; it makes a fresh link.",
    example: 'This link to the export page is not valid.',
  },
  portal_session_required: {
    meaning: "The customer's page was called without a session cookie this server started.",
    action:
      "Open the customer's page from the platform again (a link from `POST /v1/portal-sessions`).",
    example: 'Open this page from your account on the platform.',
  },
  portal_session_expired: {
    meaning: "The customer's page session ended (it lasts at most an hour) or was signed out.",
    action: "Open the customer's page from the platform again.",
    example: 'Your session on the export page has ended.',
  },
  csrf_rejected: {
    meaning: "A change on the customer's page came without its CSRF token or from another origin.",
    action:
      'Reload the page from Portage itself and try again; a request from another site is refused by design.',
    example: 'This request did not come from the export page.',
  },
  portal_link_used: {
    meaning: 'The portal link was already opened once; each link starts one session.',
    action: "Go back to the platform and open the customer's page again.",
    example: 'This link to the export page was already used.',
  },
  portal_link_expired: {
    meaning: 'The portal link was not opened within its 5 minutes.',
    action: "Go back to the platform and open the customer's page again.",
    example: 'This link to the export page has expired.',
  },
  download_link_invalid: {
    meaning: 'The `expires` or `signature` of a download link was altered.',
    action: 'Get a fresh `download_url` from `GET /v1/exports/{id}`.',
    example: 'This download link is not valid; ask the API for a fresh `download_url`.',
  },
  download_link_expired: {
    meaning: 'The download link is past its `download_url_expires_at`.',
    action: 'Get a fresh `download_url` from `GET /v1/exports/{id}`.',
    example: 'This download link has expired; ask the API for a fresh `download_url`.',
  },
  tenant_not_found: {
    meaning: "The platform holds no account for the key's tenant.",
    action: 'Ask the platform operator: the tenant was deleted or never created.',
    example: 'The platform holds no account for tenant "acme-corp".',
  },
  forbidden: {
    meaning: 'The request reaches something it may not.',
    action: 'Do not retry; use the endpoints this reference lists.',
    example: 'Forbidden: GET /docs/static/../package.json.',
  },
  not_found: {
    meaning: "No such export or import for this key's tenant (another tenant's looks the same).",
    action: 'Check the id; list your exports with `GET /v1/exports`.',
    example: 'No export "exp_2f9c1d7e4b8a4c6f9e0d3a1b" exists for this API key\'s tenant.',
  },
  route_not_found: {
    meaning: 'No endpoint has this method and path.',
    action: 'Check the path against this reference.',
    example: 'No endpoint GET /v1/export; see /docs.',
  },
  method_not_allowed: {
    meaning:
      'The path exists, but not with this method; `CONNECT` is never answered (Portage is not a proxy).',
    action: 'Use a method this reference lists for the path.',
    example: 'Method not allowed: PATCH /v1/exports.',
  },
  request_timeout: {
    meaning: 'The request was not received whole in time.',
    action: 'Send it again, whole; check slow proxies in between.',
    example: 'The request was not received in time; send it again, whole.',
  },
  export_not_ready: {
    meaning: 'The export is still pending or running, or it failed.',
    action: 'Poll `GET /v1/exports/{id}` until `status` is `completed`.',
    example:
      'Export "exp_2f9c1d7e4b8a4c6f9e0d3a1b" is running; it can be downloaded once completed.',
  },
  export_expired: {
    meaning: 'The archive was deleted: its retention ended or it was deleted early.',
    action: 'Create a new export.',
    example: 'Export "exp_2f9c1d7e4b8a4c6f9e0d3a1b" has expired; its archive was deleted.',
  },
  payload_too_large: {
    meaning: 'The body is larger than the endpoint accepts.',
    action: 'Send a smaller body; an import bundle must fit `PORTAGE_IMPORT_MAX_BYTES`.',
    example: 'The archive is larger than the 1073741824 bytes an import accepts.',
  },
  unsupported_media_type: {
    meaning: 'The body has a `Content-Type` the endpoint does not take.',
    action: 'Exports take `application/json`; imports take `application/zip`.',
    example: 'Send the body as application/json (got text/plain).',
  },
  range_not_satisfiable: {
    meaning: 'The `Range` lies outside the archive.',
    action: 'Ask for a range within the `Content-Range` size answered.',
    example: 'The archive has 48213 bytes; the requested range is outside it.',
  },
  validation_failed: {
    meaning: 'A field of the request is invalid; `errors` names each with a JSON pointer.',
    action: 'Fix each field listed in `errors`.',
    example: 'The request body is invalid.',
  },
  idempotency_key_reused: {
    meaning: 'This `Idempotency-Key` was used in the last 24 hours with another body.',
    action: 'Use a new key for a new export.',
    example:
      'This Idempotency-Key was used in the last 24 hours with a different body; use a new key for a new export.',
  },
  headers_too_large: {
    meaning: 'The request headers are larger than the server accepts.',
    action: 'Send fewer or shorter headers.',
    example: 'The request headers are larger than this server accepts.',
  },
  rate_limited: {
    meaning: "The tenant's quota of exports or imports is spent for now.",
    action: 'Retry after `Retry-After` seconds; `RateLimit` tells the remaining quota.',
    example: 'This tenant may create 10 exports per 24 hours and 50 per 30 days; retry in 3600 s.',
  },
  internal_error: {
    meaning: 'Something failed on Portage\u2019s side; it was logged.',
    action: 'Retry later; if it persists, tell the operator the time of the request.',
    example: 'Something went wrong on our side; it has been logged. Please retry.',
  },
  not_ready: {
    meaning: 'Portage cannot reach its database, the platform database or storage.',
    action: 'Operators: check the services named in `detail`.',
    example: 'Not ready: storage is not reachable',
  },
  canceled: {
    meaning: 'The export was canceled with `DELETE /v1/exports/{id}` before it completed.',
    action: 'Create a new export if you still need one.',
    example: 'Canceled by a DELETE request.',
  },
  source_read_failed: {
    meaning: 'Reading the platform database failed part way; no partial archive is kept.',
    action: 'Retry the export later.',
    example: 'Reading category "tasks" failed: the database connection was lost.',
  },
  value_out_of_range: {
    meaning: 'A stored value cannot be written as its field declares.',
    action: 'Tell the platform operator; the `message` names category, field and row.',
    example: 'Category "invoices", field "amount", row 4182: 12.345 has more than 2 decimals.',
  },
  storage_failed: {
    meaning: 'Writing the archive to storage failed.',
    action: 'Retry the export later.',
    example: 'Writing the archive failed: the object store did not answer.',
  },
  attempts_exhausted: {
    meaning: 'The export failed on every attempt Portage made.',
    action: 'Tell the platform operator; retrying alone will not help.',
    example: 'Gave up after 3 attempts; the last failed reading category "tasks".',
  },
  catalog_invalid: {
    meaning: "The deployment's catalog does not load.",
    action: 'Operators: run `portage check`.',
    example: 'The catalog is invalid: category "tasks" names no table.',
  },
  checksum_mismatch: {
    meaning: 'A file of the bundle does not match its checksum in the manifest.',
    action: 'Export the bundle again; it was altered or damaged.',
    example: 'records/tasks.jsonl does not match its SHA-256 in manifest.json.',
  },
  catalog_version_unknown: {
    meaning: 'The bundle was written with a catalog version this deployment does not know.',
    action: 'Import into a deployment with the same catalog version.',
    example: 'The bundle was written with catalog version 7; this platform knows 1 to 4.',
  },
  not_a_bundle: {
    meaning: 'The archive is not a `bundle` export.',
    action: 'Upload the zip of a `duplication` export.',
    example: 'The archive has no bundle.json; upload a duplication export.',
  },
  unsafe_path: {
    meaning: 'A path inside the archive escapes it.',
    action: 'Do not import this archive.',
    example: 'The archive path "../../etc/passwd" escapes the archive.',
  },
  archive_too_large: {
    meaning: 'The archive expands beyond the limits of an import.',
    action: 'Import a smaller bundle.',
    example: 'The archive expands beyond 8589934592 bytes.',
  },
  schema_violation: {
    meaning: 'A record of the bundle breaks its category schema.',
    action: 'Export the bundle again from an unaltered platform.',
    example: 'records/tasks.jsonl line 12: /due_on must be a date.',
  },
  id_conflict: {
    meaning: 'Records with the bundle\u2019s ids already exist (mode `preserve`).',
    action: 'Import with `mode=remap`, or into an empty tenant.',
    example: '3 records of "tasks" already exist, first 42.',
  },
  id_unavailable: {
    meaning: 'Some keys of the bundle are taken on this platform.',
    action: 'Import with `mode=remap`.',
    example: 'Key 42 of "tasks" is taken on this platform.',
  },
  untrusted_bundle: {
    meaning: 'An unsigned or foreign bundle holds platform-owned categories.',
    action: 'Ask the operator to trust the signing key, or import with `portage import --trusted`.',
    example: 'An untrusted bundle may not write categories "account", "billing".',
  },
  reference_unresolved: {
    meaning: 'A record points at a record that neither the bundle nor the tenant holds.',
    action: 'Export the bundle again with every category.',
    example: 'tasks 42 points at project 7, which does not exist.',
  },
  constraint_violation: {
    meaning: 'The platform database refused a record; nothing was written.',
    action:
      'Tell the platform operator; the `message` names the category and the line of the record (on MySQL, the lines of the batch it was in).',
    example:
      'data/tasks.jsonl line 700 ("tasks"): the target database refused a row: new row for relation "tasks" violates check constraint "tasks_title_check"',
  },
};
