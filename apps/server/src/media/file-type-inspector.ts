import { fileTypeFromBuffer } from 'file-type';
import type { MediaKind } from '../domain/message-rules.js';
import type { InspectedMedia, MediaInspector } from '../ports/media-inspector.js';
import { cleanImage } from './image-cleaner.js';

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

/** Detects the type with `file-type` (magic numbers); images are re-encoded clean by `sharp`. */
export class FileTypeMediaInspector implements MediaInspector {
  async inspect(bytes: Buffer): Promise<InspectedMedia | null> {
    const detected = await fileTypeFromBuffer(bytes);
    if (!detected) return null;
    const kind = ACCEPTED[detected.mime];
    if (!kind) return null;
    if (kind !== 'image') return { kind, mime: detected.mime, extension: detected.ext, bytes, width: null, height: null, thumbnail: null };
    const image = await cleanImage(bytes, detected.mime);
    return image ? { kind, mime: detected.mime, extension: detected.ext, ...image } : null;
  }
}
