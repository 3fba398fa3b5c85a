import { Type } from '@sinclair/typebox';
import { ERROR_CODES, type ErrorCode } from '../errors/index.js';
import { ERROR_GUIDE } from '../errors/error-guide.js';
import {
  CONTENT_RANGE,
  RATE_LIMIT,
  RATE_LIMIT_POLICY,
  RETRY_AFTER,
  WWW_AUTHENTICATE,
} from './openapi-headers.js';
import { problemBody } from './problem.js';

/** Headers every answer with this code carries. */
const HEADERS_OF: Partial<Record<ErrorCode, Record<string, unknown>>> = {
  unauthorized: { 'WWW-Authenticate': WWW_AUTHENTICATE },
  range_not_satisfiable: { 'Content-Range': CONTENT_RANGE },
  rate_limited: {
    'Retry-After': RETRY_AFTER,
    'RateLimit-Policy': RATE_LIMIT_POLICY,
    RateLimit: RATE_LIMIT,
  },
};

/** The field errors of a `validation_failed` example. */
const VALIDATION_EXAMPLE = [
  { pointer: '/purpose', detail: 'must be one of: migration, duplication, closure, audit' },
];

/**
 * Problem answers for a route's `response` schema: each code an endpoint can
 * answer, grouped by HTTP status, with the headers that come with it and one
 * example per code (from {@link ERROR_GUIDE}). A bare status stands for every
 * code of that status; name the codes instead where you can.
 *
 * @example response: { 200: Type.Ref('Export'), ...problems('unauthorized', 'not_found') }
 */
export function problems(...answers: (ErrorCode | number)[]): Record<number, unknown> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const answer of answers) {
    const codes =
      typeof answer === 'number'
        ? (Object.keys(ERROR_CODES) as ErrorCode[]).filter((c) => ERROR_CODES[c].status === answer)
        : [answer];
    for (const code of codes) {
      const status = ERROR_CODES[code].status;
      const list = byStatus.get(status) ?? [];
      if (!list.includes(code)) list.push(code);
      byStatus.set(status, list);
    }
  }
  return Object.fromEntries(
    [...byStatus].map(([status, codes]) => {
      const headers = Object.assign({}, ...codes.map((c) => HEADERS_OF[c] ?? {})) as Record<
        string,
        unknown
      >;
      return [
        status,
        {
          description: codes.map((c) => `\`${c}\`: ${ERROR_GUIDE[c].meaning}`).join(' '),
          ...(Object.keys(headers).length > 0 && { headers }),
          content: {
            'application/problem+json': {
              schema: Type.Ref('Problem'),
              examples: Object.fromEntries(codes.map((c) => [c, { value: problemExample(c) }])),
            },
          },
        },
      ];
    }),
  );
}

/** The problem body Portage answers with `code`, with a realistic `detail`. */
export function problemExample(code: ErrorCode): Record<string, unknown> {
  return problemBody(
    code,
    ERROR_GUIDE[code].example,
    code === 'validation_failed' ? VALIDATION_EXAMPLE : undefined,
  );
}
