import type { MediaKind } from '../domain/message-rules.js';

export interface InspectedMedia {
  kind: MediaKind;
  mime: string;
  /** Extension matching the detected type, without dot. */
  extension: string;
  width: number | null;
  height: number | null;
  /** A small JPEG preview for images; null for other kinds. */
  thumbnail: Buffer | null;
}

/** Identifies an upload from its bytes (never its name) and measures images. */
export interface MediaInspector {
  /** Null when the bytes are not an accepted image, voice or video format. */
  inspect(bytes: Buffer): Promise<InspectedMedia | null>;
}
