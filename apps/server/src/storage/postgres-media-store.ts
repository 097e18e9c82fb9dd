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
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [record.key, record.ownerId, record.kind, record.mime, record.size, record.width, record.height, record.thumbnailKey],
    );
    return toRecord(row!);
  }

  async get(key: string): Promise<MediaRecord | null> {
    const [row] = await this.db.query<MediaRow>('SELECT * FROM media WHERE key = $1', [key]);
    return row ? toRecord(row) : null;
  }

  async read(key: string): Promise<Buffer | null> {
    return this.blobs.get(key);
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
