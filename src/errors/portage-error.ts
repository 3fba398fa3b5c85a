import { ERROR_CODES, type ErrorCode, type FieldError } from './error-codes.js';

/** An error whose code, status and message are meant for the client or the export record. */
export class PortageError extends Error {
  override readonly name = 'PortageError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: {
      readonly errors?: readonly FieldError[];
      readonly headers?: Readonly<Record<string, string>>;
      readonly cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable;
  }
}

/** Coerces any thrown value to an `Error`, so it can be recorded with a message. */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));
}
