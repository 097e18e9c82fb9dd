import type { MediaKind } from '../domain/message-rules.js';

export interface MediaRecord {
  key: string;
  ownerId: number;
  kind: MediaKind;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  thumbnailKey: string | null;
  createdAt: Date;
}

/** Uploaded files (bytes) and their metadata. Keys are random, URL-safe and carry the extension. */
export interface MediaStore {
  save(record: Omit<MediaRecord, 'createdAt'>, bytes: Buffer, thumbnail: Buffer | null): Promise<MediaRecord>;
  get(key: string): Promise<MediaRecord | null>;
  /** Bytes of a stored file or thumbnail, or null. */
  read(key: string): Promise<Buffer | null>;
}
