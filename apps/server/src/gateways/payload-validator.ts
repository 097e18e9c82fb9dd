import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { Static, TSchema } from '@sinclair/typebox';
import { AppError } from '../domain/app-error.js';

/**
 * Compiles a protocol schema once into a checker for a door's payloads (STOMP bodies, SignalR
 * arguments). Throws VALIDATION_FAILED naming the first offending field.
 */
export function payloadValidator<S extends TSchema>(schema: S, what: string): (value: unknown) => Static<S> {
  const compiled = TypeCompiler.Compile(schema);
  return (value) => {
    if (compiled.Check(value)) return value;
    const first = compiled.Errors(value).First();
    const path = first?.path ? first.path.slice(1).replace(/\//g, '.') : '';
    throw new AppError('VALIDATION_FAILED', `${what}${path ? `.${path}` : ''}: ${first?.message ?? 'is invalid'}`);
  };
}
