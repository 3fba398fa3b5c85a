import { publicMessage, toError } from '../errors/index.js';

/** Failures to reach the mail server at all, by their Node or nodemailer code. */
const CONNECTION_CODES = new Set([
  'ECONNECTION',
  'ESOCKET',
  'ETIMEDOUT',
  'EDNS',
  'ETLS',
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** `message` with every occurrence of `address` (as sent or in any case) blanked out. */
export function scrub(message: string, address: string): string {
  if (address === '') return message;
  const escaped = address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return message.replace(new RegExp(escaped, 'gi'), '[address]');
}

/**
 * Why sending a mail failed, as the export's tenant may read it: the mail
 * server's own answer when it gave one (`550 …`, the address blanked out);
 * otherwise the kind of failure, never the mail server's address, a path or
 * an internal message, which go to the operators' log instead.
 */
export function mailFailureReason(thrown: unknown, address: string): string {
  const error = toError(thrown) as Error & { code?: unknown; responseCode?: unknown };
  if (typeof error.responseCode === 'number') return scrub(publicMessage(error.message), address);
  const code = typeof error.code === 'string' ? error.code : '';
  if (code === 'EAUTH') return "The mail server refused Portage's login.";
  if (CONNECTION_CODES.has(code)) return `Could not connect to the mail server (${code}).`;
  return 'Portage could not compose or send the mail; the operators have the details in their log.';
}
