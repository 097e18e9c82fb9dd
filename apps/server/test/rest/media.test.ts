/** POST /media and GET /media/{key} through real HTTP with real files, and IMAGE messages. */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-app.js';
import { expectError, expectNothingStored, raw } from './rest-helpers.js';

const IMAGE_LIMIT = 20_000;
let server: TestServer;
let alice: string;
let bob: string;
let png: Buffer;

function form(bytes: Buffer | string, filename: string, type = 'application/octet-stream', field = 'file'): FormData {
  const data = new FormData();
  data.append(field, new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)], { type }), filename);
  return data;
}

const upload = (token: string, data: FormData) => raw(server, 'POST', '/media', { token, body: data });

/** Random pixels do not compress: a PNG of about `width * height * 3` bytes. */
const noisyPng = (width: number, height: number) =>
  sharp(Buffer.from(Array.from({ length: width * height * 3 }, () => Math.floor(Math.random() * 256))), { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();

beforeAll(async () => {
  server = await startTestServer({ PARLEY_MAX_IMAGE_BYTES: String(IMAGE_LIMIT), PARLEY_SEND_RATE: '1000', PARLEY_SEND_BURST: '1000' });
  alice = await server.token(1, 'Alice');
  bob = await server.token(2, 'Bob');
  png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3366cc' } }).png().toBuffer();
});

afterAll(async () => {
  await server?.[Symbol.asyncDispose]();
});

describe('POST /media', () => {
  it('stores a PNG with its size, dimensions and a thumbnail, served with its type and nosniff', async () => {
    const response = await upload(alice, form(png, 'photo.jpg', 'image/jpeg'));
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ mime: 'image/png', width: 64, height: 48 });
    expect(response.body.url).toMatch(/^\/media\/[A-Za-z0-9_-]+\.png$/);
    expect(response.body.thumbnailUrl).toMatch(/^\/media\/[A-Za-z0-9_-]+_thumb\.jpg$/);

    const file = await fetch(server.url + response.body.url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    // Deleted media (recalled, unused) answers 404: shared caches must not keep serving it.
    expect(file.headers.get('cache-control')).toMatch(/^private\b/);
    // The stored image is the upload re-encoded without metadata: the same picture, maybe other bytes.
    const served = Buffer.from(await file.arrayBuffer());
    expect(served.length).toBe(response.body.size);
    expect(await sharp(served).metadata()).toMatchObject({ format: 'png', width: 64, height: 48 });

    const thumbnail = await fetch(server.url + response.body.thumbnailUrl);
    expect(thumbnail.headers.get('content-type')).toBe('image/jpeg');
    expect(thumbnail.headers.get('x-content-type-options')).toBe('nosniff');
    const meta = await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 64, height: 48 });
  });

  it('judges the type from the bytes: a text file named .png is VALIDATION_FAILED', async () => {
    expectError(await upload(alice, form('just some text, honestly', 'evil.png', 'image/png')), 400, 'VALIDATION_FAILED');
    expectError(await upload(alice, form('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 'x.svg', 'image/svg+xml')), 400, 'VALIDATION_FAILED');
    // PNG magic number with garbage after it is not an image we can show either.
    expectError(await upload(alice, form(Buffer.concat([png.subarray(0, 16), Buffer.alloc(64, 7)]), 'broken.png')), 400, 'VALIDATION_FAILED');
    expectError(await upload(alice, form(Buffer.alloc(0), 'empty.png')), 400, 'VALIDATION_FAILED');
  });

  it('answers 413 PAYLOAD_TOO_LARGE over the configured image limit', async () => {
    const big = await noisyPng(120, 120);
    expect(big.length).toBeGreaterThan(IMAGE_LIMIT);
    expectError(await upload(alice, form(big, 'big.png', 'image/png')), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers 413 when the upload is over every limit (the transport stops reading)', async () => {
    await using tiny = await startTestServer({ PARLEY_MAX_IMAGE_BYTES: '1000', PARLEY_MAX_VOICE_BYTES: '1000', PARLEY_MAX_VIDEO_BYTES: '1000' });
    const token = await tiny.token(1);
    const response = await raw(tiny, 'POST', '/media', { token, body: form(await noisyPng(60, 60), 'big.png') });
    expectError(response, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('refuses requests that are not a multipart upload of a field named file', async () => {
    expectError(await raw(server, 'POST', '/media', { token: alice, body: JSON.stringify({ file: 'x' }), contentType: 'application/json' }), 400, 'VALIDATION_FAILED');
    expectError(await upload(alice, form(png, 'photo.png', 'image/png', 'image')), 400, 'VALIDATION_FAILED');
    expectError(await raw(server, 'POST', '/media', { token: alice, body: '--x\r\nbroken', contentType: 'multipart/form-data; boundary=x' }), 400, 'VALIDATION_FAILED');
    expectError(await raw(server, 'POST', '/media', { body: form(png, 'photo.png') }), 401, 'UNAUTHORIZED');
  });
});

describe('GET /media/{key}', () => {
  it('answers 404 NOT_FOUND for unknown or malformed keys', async () => {
    for (const key of ['AbCdEfGhIjKlMnOp.png', 'short.png', '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(81), "a'%20OR%20'1'='1.png"]) {
      const response = await raw(server, 'GET', `/media/${key}`);
      expect([400, 404], key).toContain(response.status);
      expect(['NOT_FOUND', 'VALIDATION_FAILED']).toContain(response.body.error.code);
    }
    expectError(await raw(server, 'GET', '/media/AbCdEfGhIjKlMnOp.png'), 404, 'NOT_FOUND');
  });
});

describe('IMAGE messages', () => {
  it('take only the sender’s own uploaded image URL, with extra filled from the upload', async () => {
    const uploaded = (await upload(alice, form(png, 'a.png'))).body;
    const sent = await server.api(alice, 'POST', '/messages', { receiverId: 2, messageType: 'IMAGE', content: uploaded.url, clientMsgId: 'img-1', extra: { width: 9999 } });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ messageType: 'IMAGE', content: uploaded.url, extra: { width: 64, height: 48, size: uploaded.size, mime: 'image/png', thumbnailUrl: uploaded.thumbnailUrl } });

    await expectNothingStored(server, [alice, bob], async () => {
      // Bob cannot send Alice's upload as his own.
      expectError(await server.api(bob, 'POST', '/messages', { receiverId: 1, messageType: 'IMAGE', content: uploaded.url, clientMsgId: 'img-2' }), 400, 'VALIDATION_FAILED');
      // An image is not a video or a voice clip.
      expectError(await server.api(alice, 'POST', '/messages', { receiverId: 2, messageType: 'VIDEO', content: uploaded.url, clientMsgId: 'img-3' }), 400, 'VALIDATION_FAILED');
      expectError(await server.api(alice, 'POST', '/messages', { receiverId: 2, messageType: 'VOICE', content: uploaded.url, clientMsgId: 'img-4', extra: { durationMs: 1000 } }), 400, 'VALIDATION_FAILED');
      // A key that was never uploaded, and a thumbnail (not an upload of its own).
      expectError(await server.api(alice, 'POST', '/messages', { receiverId: 2, messageType: 'IMAGE', content: '/media/NeverUploaded0000.png', clientMsgId: 'img-5' }), 400, 'VALIDATION_FAILED');
      expectError(await server.api(alice, 'POST', '/messages', { receiverId: 2, messageType: 'IMAGE', content: uploaded.thumbnailUrl, clientMsgId: 'img-6' }), 400, 'VALIDATION_FAILED');
    });
  });
});
