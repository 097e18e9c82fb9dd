import type { MediaKind } from '../domain/message-rules.js';

export interface InspectedMedia {
  kind: MediaKind;
  mime: string;
  /** Extension matching the detected type, without dot. */
  extension: string;
  /** What to store: images re-encoded without their metadata (EXIF, XMP, IPTC), others as uploaded. */
  bytes: Buffer;
  /** Displayed size, after the orientation was applied; one frame of an animation. */
  width: number | null;
  height: number | null;
  /** A small JPEG preview for images; null for other kinds. */
  thumbnail: Buffer | null;
}

/** Identifies an upload from its bytes (never its name), measures images and cleans them. */
export interface MediaInspector {
  /** Null when the bytes are not an accepted image, voice or video format. */
  inspect(bytes: Buffer): Promise<InspectedMedia | null>;
}
