/** Ids travel as JSON numbers, so the server takes 1 … 2^53 − 1 (its own limit, checked again there). */
const MAX_ID = Number.MAX_SAFE_INTEGER;

/** The id typed into a look-up field, or null when it is not a whole number the server accepts. */
export function parseId(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,16}$/.test(trimmed)) return null;
  const id = Number(trimmed);
  return id >= 1 && id <= MAX_ID ? id : null;
}
