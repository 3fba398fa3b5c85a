/**
 * Every error a client of Portage can see, in one place: its HTTP status, its
 * title, and whether trying again later can succeed. API answers and failed
 * exports carry the `code`; the OpenAPI description lists them all.
 */
export const ERROR_CODES = {
  malformed_json: { status: 400, title: 'Malformed JSON', retryable: false },
  bad_request: { status: 400, title: 'Malformed request', retryable: false },
  unauthorized: { status: 401, title: 'Missing or unknown API key', retryable: false },
  identity_provider_unavailable: {
    status: 503,
    title: "The platform's identity provider did not answer",
    retryable: true,
  },
  portal_link_invalid: { status: 401, title: 'Unknown portal link', retryable: false },
  portal_session_required: {
    status: 401,
    title: 'No portal session, or one this server did not start',
    retryable: false,
  },
  portal_session_expired: { status: 401, title: 'Portal session ended', retryable: false },
  csrf_rejected: { status: 403, title: 'Cross-site request refused', retryable: false },
  download_link_invalid: { status: 403, title: 'Invalid download link', retryable: false },
  download_link_expired: { status: 403, title: 'Expired download link', retryable: false },
  tenant_not_found: {
    status: 403,
    title: 'The platform holds no account for this tenant',
    retryable: false,
  },
  forbidden: { status: 403, title: 'Forbidden', retryable: false },
  not_found: { status: 404, title: 'Not found', retryable: false },
  route_not_found: { status: 404, title: 'No such endpoint', retryable: false },
  method_not_allowed: { status: 405, title: 'Method not allowed', retryable: false },
  request_timeout: { status: 408, title: 'Request not received in time', retryable: true },
  export_not_ready: { status: 409, title: 'Export not completed', retryable: true },
  export_expired: { status: 410, title: 'Export expired', retryable: false },
  portal_link_used: { status: 410, title: 'Portal link already used', retryable: false },
  portal_link_expired: { status: 410, title: 'Portal link expired', retryable: false },
  payload_too_large: { status: 413, title: 'Payload too large', retryable: false },
  unsupported_media_type: { status: 415, title: 'Unsupported media type', retryable: false },
  range_not_satisfiable: { status: 416, title: 'Range not satisfiable', retryable: false },
  validation_failed: { status: 422, title: 'Invalid request', retryable: false },
  idempotency_key_reused: { status: 422, title: 'Idempotency key reused', retryable: false },
  headers_too_large: { status: 431, title: 'Request headers too large', retryable: false },
  rate_limited: { status: 429, title: 'Over a quota', retryable: true },
  internal_error: { status: 500, title: 'Internal error', retryable: true },
  not_ready: { status: 503, title: 'Not ready', retryable: true },
  // Codes a failed export carries in `error.code`.
  canceled: { status: 409, title: 'Canceled', retryable: false },
  source_read_failed: { status: 500, title: 'Reading the platform data failed', retryable: true },
  value_out_of_range: { status: 500, title: 'A value cannot be exported', retryable: false },
  storage_failed: { status: 500, title: 'Writing the archive failed', retryable: true },
  attempts_exhausted: {
    status: 500,
    title: 'Export gave up after repeated failures',
    retryable: false,
  },
  catalog_invalid: { status: 500, title: 'The catalog is invalid', retryable: false },
  // Codes a failed import carries in `error.code`.
  checksum_mismatch: { status: 422, title: 'A file does not match its checksum', retryable: false },
  catalog_version_unknown: {
    status: 422,
    title: 'The bundle was written with another catalog version',
    retryable: false,
  },
  not_a_bundle: { status: 422, title: 'The archive is not a bundle export', retryable: false },
  unsafe_path: { status: 422, title: 'An archive path escapes the archive', retryable: false },
  archive_too_large: {
    status: 413,
    title: 'The archive expands beyond the limits',
    retryable: false,
  },
  schema_violation: { status: 422, title: 'A record breaks its category schema', retryable: false },
  id_conflict: { status: 409, title: 'Records with these ids already exist', retryable: false },
  id_unavailable: {
    status: 409,
    title: 'Some keys of the bundle are not available in this platform',
    retryable: false,
  },
  untrusted_bundle: {
    status: 422,
    title: 'Only a trusted bundle may write these categories',
    retryable: false,
  },
  reference_unresolved: {
    status: 422,
    title: 'A record points at a record that does not exist',
    retryable: false,
  },
  constraint_violation: {
    status: 409,
    title: 'The platform database refused a record',
    retryable: false,
  },
} as const satisfies Record<string, { status: number; title: string; retryable: boolean }>;

/** One error code of {@link ERROR_CODES}. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** A field-level problem in a request, located by a JSON pointer (RFC 6901). */
export interface FieldError {
  readonly pointer: string;
  readonly detail: string;
}
