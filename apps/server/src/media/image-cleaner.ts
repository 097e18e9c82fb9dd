import sharp, { type Sharp } from 'sharp';

export interface CleanImage {
  bytes: Buffer;
  width: number;
  height: number;
  thumbnail: Buffer;
}

const THUMBNAIL_EDGE_PX = 320;
/** Decompression bombs: a small file that decodes to gigabytes of pixels is refused. */
const MAX_INPUT_PIXELS = 100_000_000;

/** Encoders per accepted type; sharp writes no metadata unless asked, so none is copied over. */
const ENCODE: Record<string, (image: Sharp) => Sharp> = {
  'image/jpeg': (image) => image.jpeg({ quality: 90 }),
  'image/png': (image) => image.png(),
  'image/gif': (image) => image.gif(),
  'image/webp': (image) => image.webp({ quality: 90 }),
};

/**
 * Photos carry where and when they were taken (EXIF GPS, XMP, IPTC): a receiver must get the
 * picture only. The image is decoded and re-encoded in its own format with the EXIF orientation
 * applied to the pixels (so it still shows upright) and nothing else of the metadata but the
 * colour profile. Animated GIF and WebP keep every frame. Null when the pixels cannot be decoded.
 */
export async function cleanImage(bytes: Buffer, mime: string): Promise<CleanImage | null> {
  const encode = ENCODE[mime];
  if (!encode) return null;
  try {
    const cleaned = await encode(sharp(bytes, { animated: true, limitInputPixels: MAX_INPUT_PIXELS }).rotate().keepIccProfile()).toBuffer({ resolveWithObject: true });
    const thumbnail = await sharp(cleaned.data, { animated: false, limitInputPixels: MAX_INPUT_PIXELS })
      .resize(THUMBNAIL_EDGE_PX, THUMBNAIL_EDGE_PX, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 75 })
      .toBuffer();
    const { width, height, pageHeight } = cleaned.info;
    return { bytes: cleaned.data, width, height: pageHeight ?? height, thumbnail };
  } catch {
    // Right magic number but undecodable pixels: not an image we can show.
    return null;
  }
}
