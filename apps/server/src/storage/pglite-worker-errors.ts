import type { PgliteWorkerError } from './pglite-worker-messages.js';

/**
 * Errors cross threads as plain data: a structured clone of an Error keeps only its message, so
 * the PostgreSQL fields storage code matches on (`code`, `constraint`…) are copied by hand. Only
 * scalar fields travel; PGlite also hangs the query's options (with functions) on its errors.
 */
export function toWorkerError(error: unknown): PgliteWorkerError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: PgliteWorkerError['fields'] = {};
  for (const [key, value] of Object.entries(error)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[key] = value;
  }
  return { name: error.name, message: error.message, fields };
}

export function fromWorkerError(error: PgliteWorkerError): Error {
  const rebuilt = Object.assign(new Error(error.message), error.fields);
  rebuilt.name = error.name;
  return rebuilt;
}
