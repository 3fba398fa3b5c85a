import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  ERROR_CODES,
  PortageError,
  toError,
  type ErrorCode,
  type FieldError,
} from '../errors/index.js';

/** The `type` URI of a problem: a stable link to the code's documentation. */
export function problemType(code: ErrorCode): string {
  return `https://portage.dev/problems/${code}`;
}

/** The RFC 9457 body of a problem with `code`. */
export function problemBody(
  code: ErrorCode,
  detail: string,
  errors?: readonly FieldError[],
): Record<string, unknown> {
  const { status, title } = ERROR_CODES[code];
  const body: Record<string, unknown> = { type: problemType(code), title, status, detail, code };
  if (errors !== undefined && errors.length > 0) body.errors = errors;
  return body;
}

/** Sends an RFC 9457 problem answer. */
export function sendProblem(
  reply: FastifyReply,
  code: ErrorCode,
  detail: string,
  errors?: readonly FieldError[],
  headers: Readonly<Record<string, string>> = {},
): FastifyReply {
  return reply
    .code(ERROR_CODES[code].status)
    .headers(headers)
    .type('application/problem+json')
    .send(problemBody(code, detail, errors));
}

/**
 * The code of a client error that a framework or plugin raised with only an
 * HTTP status (a static file outside its folder, a URL that does not decode).
 */
const CODE_OF_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'bad_request',
  403: 'forbidden',
  404: 'route_not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  416: 'range_not_satisfiable',
  431: 'headers_too_large',
};

/** The path of a request's URL, without its query (which may hold a signature). */
export function pathOf(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? '';
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Turns schema-validation issues into field errors with JSON pointers. */
export function fieldErrors(issues: readonly AjvIssue[], prefix: string): FieldError[] {
  return issues.map((issue) => {
    const p = issue.params;
    let pointer = prefix + issue.instancePath;
    let detail = issue.message ?? 'is invalid';
    if (issue.keyword === 'required') {
      pointer += `/${String(p.missingProperty)}`;
      detail = 'is required';
    } else if (issue.keyword === 'additionalProperties') {
      pointer += `/${String(p.additionalProperty)}`;
      detail = 'is not a known field';
    } else if (issue.keyword === 'enum') {
      detail = `must be one of: ${(p.allowedValues as unknown[]).map(String).join(', ')}`;
    }
    return { pointer: pointer === '' ? '/' : pointer, detail };
  });
}

/**
 * The one error handler: every failure becomes a problem answer with a code;
 * malformed input never reaches a 500, and a 500 never shows a stack trace.
 */
export function handleError(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (error instanceof PortageError) {
    return sendProblem(
      reply,
      error.code,
      error.message,
      error.options.errors,
      error.options.headers,
    );
  }
  const e = error as FastifyError & { validation?: AjvIssue[]; validationContext?: string };
  if (e.validation) {
    const context = e.validationContext ?? 'body';
    const errors = fieldErrors(e.validation, context === 'body' ? '' : `/${context}`);
    return sendProblem(reply, 'validation_failed', `The request ${context} is invalid.`, errors);
  }
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return sendProblem(
        reply,
        'unsupported_media_type',
        `Send the body as application/json (got ${request.headers['content-type'] ?? 'none'}).`,
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return sendProblem(reply, 'malformed_json', 'The body is empty; send a JSON object.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return sendProblem(
        reply,
        'payload_too_large',
        'The body is larger than this endpoint accepts.',
      );
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return sendProblem(reply, 'malformed_json', `The body is not valid JSON: ${e.message}`);
  }
  if (e instanceof SyntaxError) {
    return sendProblem(reply, 'malformed_json', `The body is not valid JSON: ${e.message}`);
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    // A client mistake that a plugin reports with a status alone: its own words
    // may name server paths, so the answer says only what the status means.
    request.log.info({ err: toError(error) }, 'client error');
    const code = CODE_OF_STATUS[status] ?? 'bad_request';
    return sendProblem(
      reply,
      code,
      `${ERROR_CODES[code].title}: ${request.method} ${pathOf(request)}.`,
    );
  }
  request.log.error({ err: toError(error) }, 'unhandled error');
  return sendProblem(
    reply,
    'internal_error',
    'Something went wrong on our side; it has been logged. Please retry.',
  );
}
