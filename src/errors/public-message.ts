/** An absolute file path (POSIX or Windows) inside a message. */
const ABSOLUTE_PATH = /(?:[A-Za-z]:)?(?:[\\/][^\s'"`:,;()[\]{}<>\\/]+){2,}[\\/]?/g;

/** What a tenant reads instead of an error that Portage did not foresee. */
export const INTERNAL_FAILURE_MESSAGE =
  'Portage failed on its side; nothing was left half-written, and the operators have the details in their log.';

/**
 * `message` as a tenant may read it: every absolute path on the server is
 * replaced by its last two parts (`…/attachments/missing.bin`), so a failure
 * still names the file at fault without showing where the server keeps it.
 */
export function publicMessage(message: string): string {
  return message.replace(ABSOLUTE_PATH, (path) => {
    const parts = path.split(/[\\/]/).filter(Boolean);
    return `…/${parts.slice(-2).join('/')}`;
  });
}
