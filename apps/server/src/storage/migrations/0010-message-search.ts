/**
 * Message search (docs/storage.md, "Search"): one GIN index over an array of tokens per
 * searchable message — a `p:<id>` token for each of its two participants and every pair of
 * adjacent characters (bigram) of its lower-cased content. A search asks the index for the
 * messages holding the caller's participant token (and the peer's, when limited to one peer) and
 * every bigram of the query, so the index alone narrows a million messages to the caller's few
 * matches; `strpos` then confirms the exact substring.
 *
 * Bigrams and not pg_trgm: a two-character query (most Chinese words are two characters) has no
 * trigram, so pg_trgm cannot use its index for it; pg_trgm also drops every non-ASCII character
 * in a database whose LC_CTYPE is plain `C`; and it is an extension that managed servers and the
 * embedded database would have to provide. Bigrams come from a short plpgsql function, for any language, with
 * no word segmentation. The measured comparison is in docs/performance.md.
 *
 * Only TEXT and CUSTOM (its fallback text) messages that are not recalled are indexed: the
 * partial index is all a search reads, and a recall takes the message out of it.
 */
export const sql = /* sql */ `
-- A message's search tokens; also builds a query's tokens from (caller, peer or caller, query text).
-- A loop over the characters, split once: plpgsql appends to and indexes into an array in place,
-- so the cost is linear in the text's length (about 9 µs for a short message; the SQL forms
-- tried, unnest of the array against itself shifted or substr per position, took 3 to 10 times
-- longer, and substr rescans the multibyte text for every position).
CREATE FUNCTION parley_search_tokens(p_sender bigint, p_receiver bigint, p_content text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  chars text[] := string_to_array(lower(p_content), NULL);
  tokens text[] := ARRAY['p:' || p_sender::text, 'p:' || p_receiver::text];
BEGIN
  FOR i IN 1 .. coalesce(array_length(chars, 1), 0) - 1 LOOP
    tokens := tokens || (chars[i] || chars[i + 1]);
  END LOOP;
  RETURN tokens;
END
$fn$;

CREATE INDEX messages_search ON messages USING gin (parley_search_tokens(sender_id, receiver_id, content))
  WHERE message_type IN ('TEXT', 'CUSTOM') AND status = 'NORMAL';
`;
