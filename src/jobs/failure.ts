import {
  INTERNAL_FAILURE_MESSAGE,
  PortageError,
  publicMessage,
  toError,
  type ErrorCode,
} from '../errors/index.js';
import { StorageError } from '../storage/index.js';
import { RetriesExhausted } from './retry.js';
import { storageFailureOf } from './transient-errors.js';

/** A failed export's `error`: a code from the catalog of errors and a message naming the fault. */
export interface Failure {
  readonly code: ErrorCode;
  readonly message: string;
}

/**
 * Classifies what an export threw into the error it records, as the tenant
 * may read it: no server path, and no raw message of an unforeseen error
 * (which the caller logs).
 */
export function classifyFailure(thrown: unknown): Failure {
  const failure = classify(thrown);
  if (failure.code === 'internal_error')
    return { code: failure.code, message: INTERNAL_FAILURE_MESSAGE };
  return { code: failure.code, message: publicMessage(failure.message) };
}

function classify(thrown: unknown): Failure {
  const caught = toError(thrown);
  if (caught instanceof RetriesExhausted) return exhausted(caught);
  const error = rootCause(caught);
  if (error instanceof PortageError) return { code: error.code, message: error.message };
  if (error instanceof StorageError)
    return { code: 'storage_failed', message: `Writing the archive failed: ${error.message}` };
  switch (error.name) {
    case 'ValueError':
      return { code: 'value_out_of_range', message: error.message };
    case 'SqliteError':
      return {
        code: 'source_read_failed',
        message: `Reading the platform database failed: ${error.message}`,
      };
    default:
      return { code: 'internal_error', message: error.message };
  }
}

/** The innermost error that says what went wrong: wrappers (such as a zip entry's) only add where. */
function rootCause(error: Error): Error {
  let current = error;
  for (let depth = 0; depth < 10; depth++) {
    if (current instanceof PortageError || current instanceof StorageError) return current;
    if (current.name === 'ValueError' || current.name === 'SqliteError') return current;
    if (!(current.cause instanceof Error)) return error;
    current = current.cause;
  }
  return error;
}

/** The `what` of the retried archive write: a failure in it is storage's or the platform database's. */
export const WRITING_THE_ARCHIVE = 'writing the archive';

/** A transient failure that outlasted its retries, named by what failed. */
function exhausted(error: RetriesExhausted): Failure {
  const storage = storageFailureOf(error.last);
  const archive = error.what === WRITING_THE_ARCHIVE;
  const what = storage
    ? 'Writing the archive to storage'
    : archive
      ? 'Reading the platform database'
      : error.what.charAt(0).toUpperCase() + error.what.slice(1);
  return {
    code: storage ? 'storage_failed' : archive ? 'source_read_failed' : 'internal_error',
    message:
      `${what} failed ${error.tries} times in a row, retried with backoff; ` +
      `last error: ${(storage ?? error.last).message}`,
  };
}
