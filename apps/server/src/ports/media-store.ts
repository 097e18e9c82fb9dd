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

/**
 * Uploaded files (bytes) and their metadata. Keys are random, URL-safe and carry the extension.
 *
 * An upload is "used" once a message or a profile takes it; unused uploads are deleted after a
 * grace period. What still refers to an upload: a media message that is not recalled (its
 * content), an accepted photo exchange (its result keeps the photo URLs), and its owner's avatar
 * or profile photos.
 */
export interface MediaStore {
  save(record: Omit<MediaRecord, 'createdAt'>, bytes: Buffer, thumbnail: Buffer | null): Promise<MediaRecord>;
  get(key: string): Promise<MediaRecord | null>;
  /** The upload whose thumbnail has this key, or null. */
  getByThumbnail(thumbnailKey: string): Promise<MediaRecord | null>;
  /** Bytes of a stored file or thumbnail, or null. */
  read(key: string): Promise<Buffer | null>;
  /** Sum of the sizes of the owner's stored uploads. */
  usedBytes(ownerId: number): Promise<number>;
  /**
   * Marks the owner's upload of this kind as used and returns it; null when the key is not
   * theirs or not of that kind. Atomic with the sweep: a claimed upload is never swept.
   */
  claim(ownerId: number, key: string, kind: MediaKind): Promise<MediaRecord | null>;
  /** Deletes (row, bytes, thumbnail) those of the owner's uploads that nothing refers to any more. */
  deleteUnreferenced(ownerId: number, keys: readonly string[]): Promise<MediaRecord[]>;
  /** Deletes (row, bytes, thumbnail) uploads never used and created before `createdBefore`. */
  deleteUnused(createdBefore: Date): Promise<MediaRecord[]>;
}
