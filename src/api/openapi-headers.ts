/**
 * The response headers Portage sends, described once for the OpenAPI
 * description: a route lists the ones it sends in its response's `headers`.
 */
const header = (description: string, example: string, format?: string) => ({
  type: 'string',
  description,
  examples: [example],
  ...(format !== undefined && { format }),
});

/** `Location` of a created resource. */
export const LOCATION = (path: string, example: string) =>
  header(`Where to poll the new resource: \`${path}\`.`, example);

/** `RateLimit-Policy` (draft-ietf-httpapi-ratelimit-headers). */
export const RATE_LIMIT_POLICY = header(
  'Every quota of the tenant: its name, `q` requests per `w` seconds (rolling).',
  '"day";q=10;w=86400, "month";q=50;w=2592000',
);

/** `RateLimit` (draft-ietf-httpapi-ratelimit-headers). */
export const RATE_LIMIT = header(
  'The quota closest to running out: `r` requests remain, `t` seconds until one more is available.',
  '"day";r=9;t=86400',
);

/** `Retry-After` in seconds. */
export const RETRY_AFTER = header('Seconds to wait before trying again.', '3600');

/** `Idempotent-Replayed` of a request answered from its `Idempotency-Key`. */
export const IDEMPOTENT_REPLAYED = header(
  'Present, `true`, when the answer replays an earlier request with the same `Idempotency-Key` (no quota spent).',
  'true',
);

/** `WWW-Authenticate` of a 401. */
export const WWW_AUTHENTICATE = header(
  'The credential expected (RFC 9110 §11.6.1).',
  'Bearer realm="portage"',
);

/** The headers of a downloaded archive. */
export const DOWNLOAD = {
  'Content-Disposition': header(
    'Saves the file under its archive name.',
    'attachment; filename="acme-corp-migration-20261130T190000Z.zip"',
  ),
  ETag: header('The SHA-256 of the whole archive, quoted.', '"9f2c…"'),
  'Accept-Ranges': header('Byte ranges are served (`Range: bytes=…`).', 'bytes'),
  'Cache-Control': header('Archives are private and never cached.', 'private, no-store'),
};

/** `Content-Range` of a partial answer or a refused range. */
export const CONTENT_RANGE = header(
  'The bytes sent and the size of the archive; `bytes */size` on a 416.',
  'bytes 0-1023/48213',
);
