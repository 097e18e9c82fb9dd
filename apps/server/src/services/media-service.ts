import { randomBytes } from 'node:crypto';
import type { UploadedMedia } from '@parley/protocol';
import { AppError } from '../domain/app-error.js';
import { mediaKeyOf, type MediaKind } from '../domain/message-rules.js';
import type { Clock } from '../ports/clock.js';
import type { MediaInspector } from '../ports/media-inspector.js';
import type { MediaRecord, MediaStore } from '../ports/media-store.js';
import type { RateLimiter } from '../ports/rate-limiter.js';

export type MediaLimitsBytes = Record<MediaKind, number>;

export interface MediaServiceDeps {
  store: MediaStore;
  inspector: MediaInspector;
  limits: MediaLimitsBytes;
  /** The canonical URL of a stored file: the only media URL a receiver is ever shown. */
  url: (key: string) => string;
  uploadLimiter: RateLimiter;
  /** Bytes of stored media one user may hold. */
  quotaBytes: number;
  /** An upload nothing has used for this long is deleted by the sweep. */
  unusedGraceMs: number;
  clock: Clock;
}

const KEY = /^[A-Za-z0-9_-]{8,64}\.[a-z0-9]{1,8}$/;

/**
 * Uploads (`POST /media`): type from the bytes, per-kind size limits, a per-user rate and
 * storage quota, images stripped of their metadata, thumbnails for images. Also the lifecycle
 * of what was uploaded: claimed when a message or profile uses it, deleted when unused.
 */
export class MediaService {
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping: Promise<unknown> | null = null;

  constructor(private readonly deps: MediaServiceDeps) {}

  /** The largest upload of any kind: the transport may stop reading beyond it. */
  get maxUploadBytes(): number {
    return Math.max(...Object.values(this.deps.limits));
  }

  /**
   * Checks the rate and the quota before `read` takes the body, so a refused upload costs no
   * bytes; the quota is checked again with the size actually stored.
   */
  async upload(ownerId: number, read: () => Promise<Buffer>): Promise<UploadedMedia> {
    const decision = await this.deps.uploadLimiter.consume(`upload:${ownerId}`);
    if (!decision.allowed) {
      throw new AppError('RATE_LIMITED', `too many uploads; retry in ${decision.retryAfterMs} ms`, { retryAfterMs: decision.retryAfterMs });
    }
    await this.requireRoom(ownerId, 0);
    const bytes = await read();
    if (bytes.length === 0) throw new AppError('VALIDATION_FAILED', 'file: empty upload');
    const inspected = await this.deps.inspector.inspect(bytes);
    if (!inspected) throw new AppError('VALIDATION_FAILED', 'file: not an accepted image (JPEG, PNG, GIF, WebP), voice or video format');
    const limit = this.deps.limits[inspected.kind];
    if (bytes.length > limit) throw new AppError('PAYLOAD_TOO_LARGE', `file: ${inspected.kind} uploads are limited to ${limit} bytes`);
    // Uploads of one user running at the same moment may each pass this check: the quota can be
    // overshot by at most those, and the rate limit bounds them.
    await this.requireRoom(ownerId, inspected.bytes.length);
    const id = randomBytes(16).toString('base64url');
    const record = await this.deps.store.save(
      {
        key: `${id}.${inspected.extension}`,
        ownerId,
        kind: inspected.kind,
        mime: inspected.mime,
        size: inspected.bytes.length,
        width: inspected.width,
        height: inspected.height,
        thumbnailKey: inspected.thumbnail ? `${id}_thumb.jpg` : null,
      },
      inspected.bytes,
      inspected.thumbnail,
    );
    return this.describe(record);
  }

  private async requireRoom(ownerId: number, adding: number): Promise<void> {
    const used = await this.deps.store.usedBytes(ownerId);
    if (used + adding > this.deps.quotaBytes || (adding === 0 && used >= this.deps.quotaBytes)) {
      throw new AppError('PAYLOAD_TOO_LARGE', `file: your media storage quota of ${this.deps.quotaBytes} bytes is full (${used} bytes used); recall or remove media to free space`);
    }
  }

  /** A stored file or thumbnail by key; null once its upload is deleted. */
  async file(key: string): Promise<{ bytes: Buffer; mime: string } | null> {
    if (!KEY.test(key)) return null;
    const isThumbnail = /_thumb\.jpg$/.test(key);
    const record = isThumbnail ? await this.deps.store.getByThumbnail(key) : await this.deps.store.get(key);
    if (!record) return null;
    const bytes = await this.deps.store.read(key);
    if (!bytes) return null;
    return { bytes, mime: isThumbnail ? 'image/jpeg' : record.mime };
  }

  /**
   * The owner's upload of this kind named by `url` (whatever host, scheme, query or fragment the
   * client wrote), marked as used so the sweep keeps it; null when it is not theirs.
   */
  async claim(ownerId: number, url: string, kind: MediaKind): Promise<MediaRecord | null> {
    const key = mediaKeyOf(url);
    return key ? this.deps.store.claim(ownerId, key, kind) : null;
  }

  /** The canonical URL of a stored file. */
  urlOf(key: string): string {
    return this.deps.url(key);
  }

  /** True when `url` names this server's media: a relative `/media/…` path or an absolute URL on the canonical origin. */
  isOwnUrl(url: string): boolean {
    if (!mediaKeyOf(url)) return false;
    if (url.startsWith('/') && !url.startsWith('//')) return true;
    const canonical = this.deps.url('x');
    if (canonical.startsWith('/')) return false;
    try {
      return new URL(url).origin === new URL(canonical).origin;
    } catch {
      return false;
    }
  }

  /** After a recall or a profile change: deletes those of the owner's uploads (named by URL) that nothing shows any more. */
  async release(ownerId: number, urls: readonly string[]): Promise<void> {
    const keys = urls.map(mediaKeyOf).filter((key): key is string => key !== null);
    await this.deps.store.deleteUnreferenced(ownerId, keys);
  }

  /** Deletes uploads never used by a message or profile within the grace period; safe on every node at once. */
  async sweep(now: Date = this.deps.clock.now()): Promise<MediaRecord[]> {
    return this.deps.store.deleteUnused(new Date(now.getTime() - this.deps.unusedGraceMs));
  }

  /** Sweeps every `intervalMs` until stopped; the timer never keeps the process alive. */
  startSweeping(intervalMs: number, onError: (error: unknown) => void): void {
    if (this.sweepTimer) return;
    this.sweepTimer = setInterval(() => {
      if (this.sweeping) return;
      this.sweeping = this.sweep()
        .catch(onError)
        .finally(() => (this.sweeping = null));
    }, intervalMs);
    this.sweepTimer.unref();
  }

  /** Stops the timer and waits for a sweep under way, so the stores can close after it. */
  async stopSweeping(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    await this.sweeping;
  }

  private describe(record: MediaRecord): UploadedMedia {
    const uploaded: UploadedMedia = { url: this.deps.url(record.key), mime: record.mime, size: record.size };
    if (record.width !== null) uploaded.width = record.width;
    if (record.height !== null) uploaded.height = record.height;
    if (record.thumbnailKey) uploaded.thumbnailUrl = this.deps.url(record.thumbnailKey);
    return uploaded;
  }
}
