/**
 * Canonical JSON: one byte-exact text per value, so anyone can recompute a hash over it.
 * For the values we store (objects, arrays, strings, finite numbers, booleans, null) it is
 * RFC 8785 (JCS): object keys sorted by UTF-16 code units, no whitespace, strings escaped and
 * numbers written exactly as JSON.stringify does, null kept, object members whose value is
 * undefined left out. Anything else (undefined in an array, NaN, Infinity, bigint, Date…) is
 * not JSON and throws, rather than being silently turned into something else.
 */

export type CanonicalValue = null | boolean | number | string | readonly CanonicalValue[] | { readonly [key: string]: CanonicalValue | undefined };

export function canonicalJson(value: CanonicalValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON has no form for ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value
      .map((item: CanonicalValue | undefined) => {
        if (item === undefined) throw new TypeError('canonical JSON has no form for undefined in an array');
        return canonicalJson(item);
      })
      .join(',')}]`;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const members = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, CanonicalValue | undefined>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, CanonicalValue>)[key]!)}`);
    return `{${members.join(',')}}`;
  }
  throw new TypeError(`canonical JSON has no form for ${Object.prototype.toString.call(value)}`);
}
