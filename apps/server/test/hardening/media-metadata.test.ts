/** Photos lose their metadata (EXIF GPS above all) on upload, keep their orientation, and animations keep their frames. */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-app.js';
import { uploadImage } from './media-support.js';

const XMP = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="39,54.0N" exif:GPSLongitude="116,23.0E"/></rdf:RDF></x:xmpmeta>`;

let server: TestServer;
let alice: string;

beforeAll(async () => {
  server = await startTestServer();
  alice = await server.token(1, 'Alice');
});

afterAll(async () => {
  await server?.[Symbol.asyncDispose]();
});

async function stored(url: string): Promise<Buffer> {
  const response = await fetch(server.url + url);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe('uploaded images', () => {
  it('are stored without EXIF (GPS), XMP or IPTC, with the EXIF orientation applied to the pixels', async () => {
    // 40×20 pixels tagged "rotate 90°": a phone photo taken upright, with where it was taken.
    const photo = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#c04020' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExif({
        IFD0: { Make: 'PhoneMaker', Model: 'Phone 12' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '39/1 54/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '116/1 23/1 0/1' },
      })
      .withXmp(XMP)
      .toBuffer();
    const original = await sharp(photo).metadata();
    expect(original).toMatchObject({ orientation: 6, width: 40, height: 20 });
    expect(original.exif).toBeDefined();
    expect(photo.toString('latin1')).toContain('GPSLatitude');
    expect(photo.toString('latin1')).toContain('PhoneMaker');

    const response = await uploadImage(server, alice, photo);
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ mime: 'image/jpeg', width: 20, height: 40 });

    const bytes = await stored(response.body.url);
    expect(response.body.size).toBe(bytes.length);
    const meta = await sharp(bytes).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 20, height: 40 });
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.iptc).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    for (const trace of ['GPS', 'PhoneMaker', 'Phone 12', 'Exif', 'xmpmeta']) expect(bytes.toString('latin1')).not.toContain(trace);

    const thumbnail = await sharp(await stored(response.body.thumbnailUrl)).metadata();
    expect(thumbnail).toMatchObject({ width: 20, height: 40 });
    expect(thumbnail.exif).toBeUndefined();
  });

  it('lose the metadata of PNG and WebP too', async () => {
    for (const format of ['png', 'webp'] as const) {
      const image = await sharp({ create: { width: 30, height: 10, channels: 3, background: '#2040c0' } })
        .toFormat(format)
        .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '39/1 54/1 0/1' } })
        .toBuffer();
      expect((await sharp(image).metadata()).exif, format).toBeDefined();
      const response = await uploadImage(server, alice, image);
      expect(response.status, format).toBe(201);
      const meta = await sharp(await stored(response.body.url)).metadata();
      expect(meta, format).toMatchObject({ format, width: 30, height: 10 });
      expect(meta.exif, format).toBeUndefined();
    }
  });

  it('keep every frame of an animated GIF, reporting the size of one frame', async () => {
    const frames = await Promise.all(['#ff0000', '#00ff00', '#0000ff'].map((colour) => sharp({ create: { width: 16, height: 12, channels: 3, background: colour } }).raw().toBuffer()));
    const gif = await sharp(Buffer.concat(frames), { raw: { width: 16, height: 36, channels: 3, pageHeight: 12 } as never })
      .gif({ loop: 0, delay: [100, 100, 100] })
      .toBuffer();
    expect((await sharp(gif, { animated: true }).metadata()).pages).toBe(3);

    const response = await uploadImage(server, alice, gif);
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ mime: 'image/gif', width: 16, height: 12 });
    const meta = await sharp(await stored(response.body.url), { animated: true }).metadata();
    expect(meta).toMatchObject({ format: 'gif', pages: 3, pageHeight: 12 });
  });
});
