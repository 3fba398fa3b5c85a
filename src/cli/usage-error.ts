/**
 * A mistake of the person running the command (a path that does not exist, a
 * database that is not there): printed as one line, exit status 1.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
