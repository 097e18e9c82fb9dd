import { randomBytes } from 'node:crypto';
import type { UploadedMedia } from '@parley/protocol';
import { AppError } from '../domain/app-error.js';
import type { MediaKind } from '../domain/message-rules.js';
import type { MediaInspector } from '../ports/media-inspector.js';
import type { MediaRecord, MediaStore } from '../ports/media-store.js';

export type MediaLimitsBytes = Record<MediaKind, number>;

/** Uploads (contract §4 `POST /media`): type from the bytes, per-kind size limits, thumbnails for images. */
export class MediaService {
  constructor(
    private readonly deps: { store: MediaStore; inspector: MediaInspector; limits: MediaLimitsBytes; url: (key: string) => string },
  ) {}

  /** The largest upload of any kind: the transport may stop reading beyond it. */
  get maxUploadBytes(): number {
    return Math.max(...Object.values(this.deps.limits));
  }

  async upload(ownerId: number, bytes: Buffer): Promise<UploadedMedia> {
    if (bytes.length === 0) throw new AppError('VALIDATION_FAILED', 'file: empty upload');
    const inspected = await this.deps.inspector.inspect(bytes);
    if (!inspected) throw new AppError('VALIDATION_FAILED', 'file: not an accepted image (JPEG, PNG, GIF, WebP), voice or video format');
    const limit = this.deps.limits[inspected.kind];
    if (bytes.length > limit) throw new AppError('PAYLOAD_TOO_LARGE', `file: ${inspected.kind} uploads are limited to ${limit} bytes`);
    const id = randomBytes(16).toString('base64url');
    const record = await this.deps.store.save(
      {
        key: `${id}.${inspected.extension}`,
        ownerId,
        kind: inspected.kind,
        mime: inspected.mime,
        size: bytes.length,
        width: inspected.width,
        height: inspected.height,
        thumbnailKey: inspected.thumbnail ? `${id}_thumb.jpg` : null,
      },
      bytes,
      inspected.thumbnail,
    );
    return this.describe(record);
  }

  async file(key: string): Promise<{ bytes: Buffer; mime: string } | null> {
    if (!/^[A-Za-z0-9_-]{8,64}\.[a-z0-9]{1,8}$/.test(key)) return null;
    const thumb = /^(.+)_thumb\.jpg$/.exec(key);
    const bytes = await this.deps.store.read(key);
    if (!bytes) return null;
    if (thumb) return { bytes, mime: 'image/jpeg' };
    const record = await this.deps.store.get(key);
    return record ? { bytes, mime: record.mime } : null;
  }

  private describe(record: MediaRecord): UploadedMedia {
    const uploaded: UploadedMedia = { url: this.deps.url(record.key), mime: record.mime, size: record.size };
    if (record.width !== null) uploaded.width = record.width;
    if (record.height !== null) uploaded.height = record.height;
    if (record.thumbnailKey) uploaded.thumbnailUrl = this.deps.url(record.thumbnailKey);
    return uploaded;
  }
}
