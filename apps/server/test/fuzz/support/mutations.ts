import fc from 'fast-check';

/**
 * Mutations of valid inputs, the way a careless or hostile client produces them: a few edits on
 * the text (flip, insert, delete, duplicate, truncate), on the bytes (invalid UTF-8, NULs), or on
 * the JSON structure (wrong types, huge numbers, lone surrogates, deep nesting, extra keys).
 */

/** Characters that mean something to one of the wire formats, plus the troublesome ones. */
const SPECIAL_CHARS = ['\0', '\n', '\r', ':', '\\', '\u001e', '"', '{', '}', '[', ']', ',', '\ud800', '\udfff', '\uffff', '\u2028', '\t', ' ', '0', '9', '-', 'é', '好', '😀'];

const specialChar = fc.constantFrom(...SPECIAL_CHARS);
const anyChar = fc.oneof(specialChar, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
const insertion = fc.oneof(
  fc.string({ unit: anyChar, minLength: 1, maxLength: 12 }),
  fc.constantFrom('content-length:999999999\n', 'content-length:-1\n', 'content-length:18446744073709551616\n', 'destination:/app/chat.send\n', '\\t', '\\', '\n\n', '\0\0'),
  fc.integer({ min: 1, max: 3000 }).map((n) => 'A'.repeat(n)),
);

type TextEdit = (text: string) => string;

const at = (text: string, fraction: number) => Math.floor(fraction * (text.length + 1));
const fraction = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.tuple(fraction, anyChar).map(([f, char]) => (text: string) => {
    const i = Math.min(at(text, f), Math.max(0, text.length - 1));
    return text.slice(0, i) + char + text.slice(i + 1);
  }),
  fc.tuple(fraction, insertion).map(([f, inserted]) => (text: string) => text.slice(0, at(text, f)) + inserted + text.slice(at(text, f))),
  fc.tuple(fraction, fc.integer({ min: 1, max: 40 })).map(([f, n]) => (text: string) => text.slice(0, at(text, f)) + text.slice(at(text, f) + n)),
  fc.tuple(fraction, fraction, fc.integer({ min: 1, max: 20 })).map(([f, g, times]) => (text: string) => {
    const [from, to] = [at(text, Math.min(f, g)), at(text, Math.max(f, g))];
    return text.slice(0, to) + text.slice(from, to).repeat(times) + text.slice(to);
  }),
  fraction.map((f) => (text: string) => text.slice(0, at(text, f))),
  fc.tuple(fraction, fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('[', '{"a":')).map(([f, n, open]) => (text: string) => text.slice(0, at(text, f)) + open.repeat(n) + text.slice(at(text, f))),
);

/** `valid` after one to four text edits. */
export function mutatedText(valid: string): fc.Arbitrary<string> {
  return fc.array(textEdit, { minLength: 1, maxLength: 4 }).map((edits) => edits.reduce((text, edit) => edit(text), valid));
}

/** `valid` as UTF-8 bytes after one to four byte edits (the result is often not UTF-8). */
export function mutatedBytes(valid: string): fc.Arbitrary<Buffer> {
  const byteEdit = fc.oneof(
    fc.tuple(fraction, fc.integer({ min: 0, max: 255 })).map(([f, byte]) => (bytes: Buffer) => {
      if (bytes.length === 0) return Buffer.from([byte]);
      const copy = Buffer.from(bytes);
      copy[Math.min(Math.floor(f * bytes.length), bytes.length - 1)] = byte;
      return copy;
    }),
    fc.tuple(fraction, fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([f, inserted]) => (bytes: Buffer) => {
      const i = Math.floor(f * (bytes.length + 1));
      return Buffer.concat([bytes.subarray(0, i), Buffer.from(inserted), bytes.subarray(i)]);
    }),
    fc.tuple(fraction, fc.integer({ min: 1, max: 16 })).map(([f, n]) => (bytes: Buffer) => {
      const i = Math.floor(f * (bytes.length + 1));
      return Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + n)]);
    }),
  );
  return fc.array(byteEdit, { minLength: 1, maxLength: 4 }).map((edits) => edits.reduce((bytes, edit) => edit(bytes), Buffer.from(valid, 'utf8')));
}

/** Values of the wrong type or size for any JSON field. */
export const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, -0, 1.5, 1e308, -1e308, 2 ** 53 + 2, 2 ** 31, 2 ** 63, 4294967296, '', ' ', '0', '1e3', 'null', '\ud800', 'a\udc00b', '\u0000', 'javascript:alert(1)', '😀'.repeat(5000), [], {}, [null], JSON.parse('{"__proto__":{"polluted":1}}'), { constructor: { prototype: 1 } }),
  fc.integer({ min: 100, max: 30_000 }).map((n) => 'x'.repeat(n)),
  // Deeper nesting comes from the text edits: JSON.stringify of such a value would overflow here.
  fc.integer({ min: 2, max: 100 }).map((depth) => nested(depth)),
  fc.string({ unit: anyChar, maxLength: 30 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A deeply nested array, built without recursion so that building it never overflows the stack. */
function nested(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

type JsonEdit = (value: unknown) => unknown;

/** Paths to every value inside `value` (object keys and array indexes). */
function pathsOf(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (prefix.length > 8) return out;
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) pathsOf(item, [...prefix, key], out);
  return out;
}

function replaceAt(value: unknown, path: (string | number)[], replace: (old: unknown) => unknown): unknown {
  if (path.length === 0) return replace(value);
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((item, i) => (i === head ? replaceAt(item, rest, replace) : item));
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    copy[head as string] = replaceAt(copy[head as string], rest, replace);
    return copy;
  }
  return value;
}

const jsonEdit: fc.Arbitrary<JsonEdit> = fc.oneof(
  fc.tuple(fraction, weirdValue).map(([f, weird]) => (value: unknown) => {
    const paths = pathsOf(value);
    return replaceAt(value, paths[Math.floor(f * paths.length)]!, () => weird);
  }),
  fraction.map((f) => (value: unknown) => {
    const keyed = pathsOf(value).filter((p) => p.length > 0 && typeof p.at(-1) === 'string');
    if (keyed.length === 0) return value;
    const path = keyed[Math.floor(f * keyed.length)]!;
    return replaceAt(value, path.slice(0, -1), (parent) => {
      const copy = { ...(parent as Record<string, unknown>) };
      delete copy[path.at(-1) as string];
      return copy;
    });
  }),
  fc.tuple(fc.constantFrom('extra', '__proto__', 'constructor', 'type', ''), weirdValue).map(([key, weird]) => (value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value) ? { ...(value as object), [key]: weird } : value,
  ),
);

/** `valid` after one to three structural edits, serialized; now and then with a text edit on top. */
export function mutatedJson(valid: unknown): fc.Arbitrary<string> {
  const structural = fc.array(jsonEdit, { minLength: 1, maxLength: 3 }).map((edits) => JSON.stringify(edits.reduce((value, edit) => edit(value), valid)) ?? 'null');
  return fc.oneof({ weight: 3, arbitrary: structural }, { weight: 1, arbitrary: structural.chain((text) => mutatedText(text)) }, { weight: 1, arbitrary: mutatedText(JSON.stringify(valid)) });
}

/** The same key twice in one JSON object text (JSON.parse keeps the last). */
export function duplicatedKey(validJson: string, key: string, value: string): string {
  return validJson.replace(/^\{/, `{"${key}":${value},`);
}
