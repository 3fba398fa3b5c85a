import { SerializerSelector, type SerializerFactory } from '@fastify/fast-json-stringify-compiler';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * fastify's own response serializers (fast-json-stringify), each built the
 * first time its route answers with its status instead of when the server
 * starts: compiling every route's schemas cost about a sixth of a start, and
 * most of them are not needed in a process's first seconds.
 */
export function lazySerializers(): SerializerFactory {
  const build = SerializerSelector();
  return (externalSchemas, options) => {
    const compile = build(externalSchemas, options);
    return (route) => {
      let serialize: ((doc: unknown) => string) | undefined;
      return (doc: unknown) => (serialize ??= compile(route))(doc);
    };
  };
}

/** A validator as fastify calls it: `errors` is read after a `false`. */
type Validator = ReturnType<FastifySchemaCompiler<unknown>> & { errors?: unknown };

/**
 * Wraps a validator compiler so that each schema is compiled the first time a
 * request needs it, not when the server starts. The wrapper gives fastify the
 * compiled validator's `errors` after each call, as the validator itself would.
 */
export function lazyValidators(
  compiler: FastifySchemaCompiler<unknown>,
): FastifySchemaCompiler<unknown> {
  return (route) => {
    let validate: Validator | undefined;
    const lazy = ((data: unknown) =>
      (validate ??= compiler(route) as Validator)(data)) as Validator;
    Object.defineProperty(lazy, 'errors', { get: () => validate?.errors });
    return lazy;
  };
}
