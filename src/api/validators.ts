import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, removeAdditional: false, ...options });
  addFormats.default(ajv);
  return ajv;
}

/**
 * Bodies are validated strictly (no coercion, no defaults, unknown fields
 * refused); query strings, path parameters and headers are text on the wire,
 * so they are coerced to the declared types.
 */
export function validatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = makeAjv({ coerceTypes: false, useDefaults: false });
  const lenient = makeAjv({ coerceTypes: true, useDefaults: true });
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : lenient;
    return ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
  };
}
