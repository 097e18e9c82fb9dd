import Ajv from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * Bodies are validated strictly (a string is never silently a number); path and query
 * parameters are text on the wire, so those are coerced. Unknown body fields are ignored.
 */
export function validatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = new Ajv.default({ coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: false, strict: false });
  const coercing = new Ajv.default({ coerceTypes: true, useDefaults: true, removeAdditional: false, allErrors: false, strict: false });
  return ({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema as object) as never;
}
