/**
 * Every stored message updates its conversation's row, both members' rows and both users' rows.
 * A full page makes PostgreSQL put each new row version on another page, with new entries in
 * every index of the table; with room left on the page (fillfactor 70) the new version stays
 * there, and for `users` and `conversations`, whose updated columns are in no index, it needs no
 * index entry at all (a heap-only tuple). Measured with `bench:store`: about 7% more durable sends
 * per second (docs/performance.md, "Round four"). Applies to pages written from now on; an
 * existing database gets it for its old pages only when they are rewritten.
 */
export const sql = /* sql */ `
ALTER TABLE users SET (fillfactor = 70);
ALTER TABLE conversations SET (fillfactor = 70);
ALTER TABLE conversation_members SET (fillfactor = 70);
`;
