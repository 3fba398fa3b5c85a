/** An absolute file path (POSIX or Windows) inside a message. */
const ABSOLUTE_PATH = /(?:[A-Za-z]:)?(?:[\\/][^\s'"`:,;()[\]{}<>\\/]+){2,}[\\/]?/g;

/** What a tenant reads instead of an error that Portage did not foresee. */
export const INTERNAL_FAILURE_MESSAGE =
  'Portage failed on its side; nothing was left half-written, and the operators have the details in their log.';

/** A URL (an object store's `s3://bucket/key`, an endpoint's `http://host:port/…`). */
const URL_TEXT = /\b([a-z][a-z0-9+.-]*):\/\/[^\s'"`<>()]+/gi;

/** The peer a Node network error names: `connect ECONNREFUSED 10.0.3.7:9000`, `getaddrinfo ENOTFOUND minio.internal`. */
const NETWORK_PEER = /\b(connect|getaddrinfo|read|write|bind) (E[A-Z_]+) (?![.;,])[^\s'"`,;)]+/g;

/** An IPv4 address, with its port if any. */
const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b/g;

/**
 * `message` as a tenant may read it: every absolute path on the server is
 * replaced by its last two parts (`…/attachments/missing.bin`), so a failure
 * still names the file at fault without showing where the server keeps it;
 * URLs keep only their scheme (`s3://…`), and the address of a server Portage
 * failed to reach is blanked out (`connect ECONNREFUSED [address]`).
 */
export function publicMessage(message: string): string {
  return message
    .replace(URL_TEXT, '$1://…')
    .replace(NETWORK_PEER, '$1 $2 [address]')
    .replace(IPV4, '[address]')
    .replace(ABSOLUTE_PATH, (path) => {
      const parts = path.split(/[\\/]/).filter(Boolean);
      return `…/${parts.slice(-2).join('/')}`;
    });
}

/** A URL's `user:password@` part. */
const URL_CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i;

/**
 * A setting's URL as an error message may show it: its `user:password@`
 * replaced by `[REDACTED]@`, the rest as given so the person can find the
 * mistake.
 */
export function withoutCredentials(url: string): string {
  return url.replace(URL_CREDENTIALS, '$1[REDACTED]@');
}
