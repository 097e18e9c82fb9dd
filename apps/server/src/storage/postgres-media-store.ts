import type { MediaKind } from '../domain/message-rules.js';
import type { MediaRecord, MediaStore } from '../ports/media-store.js';
import type { BlobStore } from './blob-store.js';
import type { SqlClient } from './sql-client.js';

interface MediaRow {
  key: string;
  owner_id: number;
  kind: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  thumbnail_key: string | null;
  created_at: Date;
}

const COLUMNS = 'key, owner_id, kind, mime, size, width, height, thumbnail_key, created_at';

/** The key inside a media URL; the same expression as the index `messages_by_media_key`. */
const KEY_IN_CONTENT = `substring(m.content from '/media/([A-Za-z0-9_-]+[.][a-z0-9]+)')`;

/**
 * True while something still shows the upload of row `media`. Every branch is an index probe:
 * a media message's sender owns its upload, a photo exchange involves the photos' owner, and
 * users set only their own uploads on their profile.
 */
const REFERENCED = `(
  EXISTS (SELECT 1 FROM messages m
          WHERE m.sender_id = media.owner_id AND m.message_type IN ('IMAGE', 'VOICE', 'VIDEO') AND ${KEY_IN_CONTENT} = media.key)
  OR EXISTS (SELECT 1 FROM messages m
          WHERE m.sender_id = media.owner_id AND m.message_type = 'EXCHANGE_PHOTO_RESULT' AND strpos(m.extra::text, '/media/' || media.key) > 0)
  OR EXISTS (SELECT 1 FROM messages m
          WHERE m.receiver_id = media.owner_id AND m.message_type = 'EXCHANGE_PHOTO_RESULT' AND strpos(m.extra::text, '/media/' || media.key) > 0)
  OR EXISTS (SELECT 1 FROM users u
          WHERE u.id = media.owner_id AND strpos(coalesce(u.avatar_url, '') || ' ' || u.photo_urls::text, '/media/' || media.key) > 0)
)`;

/** Rows per sweep statement, so a large backlog never holds many locks at once. */
const SWEEP_BATCH = 500;

/** Metadata in PostgreSQL, bytes in a blob store (a directory under PARLEY_DATA_DIR, or memory). */
export class PostgresMediaStore implements MediaStore {
  constructor(
    private readonly db: SqlClient,
    private readonly blobs: BlobStore,
  ) {}

  async save(record: Omit<MediaRecord, 'createdAt'>, bytes: Buffer, thumbnail: Buffer | null): Promise<MediaRecord> {
    // Bytes first: a row never points at a missing file.
    await this.blobs.put(record.key, bytes);
    if (thumbnail && record.thumbnailKey) await this.blobs.put(record.thumbnailKey, thumbnail);
    const [row] = await this.db.query<MediaRow>(
      `INSERT INTO media (key, owner_id, kind, mime, size, width, height, thumbnail_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
      [record.key, record.ownerId, record.kind, record.mime, record.size, record.width, record.height, record.thumbnailKey],
    );
    return toRecord(row!);
  }

  async get(key: string): Promise<MediaRecord | null> {
    const [row] = await this.db.query<MediaRow>(`SELECT ${COLUMNS} FROM media WHERE key = $1`, [key]);
    return row ? toRecord(row) : null;
  }

  async getByThumbnail(thumbnailKey: string): Promise<MediaRecord | null> {
    const [row] = await this.db.query<MediaRow>(`SELECT ${COLUMNS} FROM media WHERE thumbnail_key = $1`, [thumbnailKey]);
    return row ? toRecord(row) : null;
  }

  async read(key: string): Promise<Buffer | null> {
    return this.blobs.get(key);
  }

  async usedBytes(ownerId: number): Promise<number> {
    const [row] = await this.db.query<{ total: string | number }>('SELECT COALESCE(sum(size), 0) AS total FROM media WHERE owner_id = $1', [ownerId]);
    return Number(row?.total ?? 0);
  }

  async claim(ownerId: number, key: string, kind: MediaKind): Promise<MediaRecord | null> {
    // Writes only the first time; both halves see the state from before the statement.
    const [row] = await this.db.query<MediaRow>(
      `WITH claimed AS (
         UPDATE media SET used = true WHERE key = $1 AND owner_id = $2 AND kind = $3 AND NOT used RETURNING ${COLUMNS}
       )
       SELECT ${COLUMNS} FROM claimed
       UNION ALL
       SELECT ${COLUMNS} FROM media WHERE key = $1 AND owner_id = $2 AND kind = $3 AND used`,
      [key, ownerId, kind],
    );
    return row ? toRecord(row) : null;
  }

  async deleteUnreferenced(ownerId: number, keys: readonly string[]): Promise<MediaRecord[]> {
    if (keys.length === 0) return [];
    const rows = await this.db.query<MediaRow>(
      `DELETE FROM media WHERE owner_id = $1 AND key = ANY($2::text[]) AND NOT ${REFERENCED} RETURNING ${COLUMNS}`,
      [ownerId, [...keys]],
    );
    return this.dropBlobs(rows);
  }

  async deleteUnused(createdBefore: Date): Promise<MediaRecord[]> {
    const deleted: MediaRecord[] = [];
    for (;;) {
      // SKIP LOCKED: nodes sweeping at the same moment share the work instead of queueing on it.
      const rows = await this.db.query<MediaRow>(
        `DELETE FROM media WHERE key IN (
           SELECT key FROM media WHERE NOT used AND created_at < $1 AND NOT ${REFERENCED}
           ORDER BY created_at LIMIT ${SWEEP_BATCH} FOR UPDATE SKIP LOCKED
         ) AND NOT used RETURNING ${COLUMNS}`,
        [createdBefore],
      );
      deleted.push(...(await this.dropBlobs(rows)));
      if (rows.length < SWEEP_BATCH) return deleted;
    }
  }

  /** The rows are gone, so nothing serves these bytes any more; a file left behind by a crash here is never served. */
  private async dropBlobs(rows: MediaRow[]): Promise<MediaRecord[]> {
    const records = rows.map(toRecord);
    for (const record of records) {
      await this.blobs.delete(record.key);
      if (record.thumbnailKey) await this.blobs.delete(record.thumbnailKey);
    }
    return records;
  }
}

function toRecord(row: MediaRow): MediaRecord {
  return {
    key: row.key,
    ownerId: Number(row.owner_id),
    kind: row.kind as MediaKind,
    mime: row.mime,
    size: Number(row.size),
    width: row.width,
    height: row.height,
    thumbnailKey: row.thumbnail_key,
    createdAt: new Date(row.created_at),
  };
}
