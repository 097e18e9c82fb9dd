import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import type { MediaKind } from '../domain/message-rules.js';
import type { InspectedMedia, MediaInspector } from '../ports/media-inspector.js';

// Formats clients can show everywhere (browsers, mini-programs); anything else is refused.
const ACCEPTED: Record<string, MediaKind> = {
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/gif': 'image',
  'image/webp': 'image',
  'audio/mpeg': 'voice',
  'audio/aac': 'voice',
  'audio/x-m4a': 'voice',
  'audio/mp4': 'voice',
  'audio/ogg': 'voice',
  'audio/opus': 'voice',
  'audio/wav': 'voice',
  'audio/webm': 'voice',
  'audio/amr': 'voice',
  'video/mp4': 'video',
  'video/webm': 'video',
  'video/quicktime': 'video',
};

const THUMBNAIL_EDGE_PX = 320;

/** Detects the type with `file-type` (magic numbers) and measures images with `sharp`. */
export class FileTypeMediaInspector implements MediaInspector {
  async inspect(bytes: Buffer): Promise<InspectedMedia | null> {
    const detected = await fileTypeFromBuffer(bytes);
    if (!detected) return null;
    const kind = ACCEPTED[detected.mime];
    if (!kind) return null;
    if (kind !== 'image') return { kind, mime: detected.mime, extension: detected.ext, width: null, height: null, thumbnail: null };
    try {
      const image = sharp(bytes, { animated: false, limitInputPixels: 100_000_000 });
      const meta = await image.metadata();
      if (!meta.width || !meta.height) return null;
      const thumbnail = await image
        .rotate()
        .resize(THUMBNAIL_EDGE_PX, THUMBNAIL_EDGE_PX, { fit: 'inside', withoutEnlargement: true })
        .jpeg({ quality: 75 })
        .toBuffer();
      return { kind, mime: detected.mime, extension: detected.ext, width: meta.width, height: meta.height, thumbnail };
    } catch {
      // Right magic number but undecodable pixels: not an image we can show.
      return null;
    }
  }
}
