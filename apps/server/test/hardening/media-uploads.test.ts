/** Uploads are bounded per user: a rate (shared by every node) and a storage quota computed from the database. */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-app.js';
import { createTestDatabase, TEST_DATABASE_URL } from '../support/test-database.js';
import { createTestRedisPrefix, TEST_REDIS_URL } from '../support/test-redis.js';
import { expectError } from '../rest/rest-helpers.js';
import { smallPng, uploadImage } from './media-support.js';

/** Pixels from a fixed sequence: incompressible, and the same file size on every run. */
function noisyPng(width: number, height: number): Promise<Buffer> {
  let state = 12345;
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    pixels[i] = state >> 16;
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

describe('upload rate per user', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ PARLEY_UPLOADS_PER_MINUTE: '3' });
  });
  afterAll(async () => {
    await server?.[Symbol.asyncDispose]();
  });

  it('answers 429 RATE_LIMITED with retryAfterMs past the limit, without touching other users', async () => {
    const alice = await server.token(1, 'Alice');
    const bob = await server.token(2, 'Bob');
    for (let i = 0; i < 3; i++) expect((await uploadImage(server, alice, await smallPng(i))).status).toBe(201);
    const refused = await uploadImage(server, alice, await smallPng(3));
    expectError(refused, 429, 'RATE_LIMITED');
    expect(refused.body.error.retryAfterMs).toBeGreaterThan(0);
    expect(refused.body.error.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(refused.headers.get('retry-after')).not.toBeNull();
    expect((await uploadImage(server, bob, await smallPng(4))).status).toBe(201);
  });
});

describe.skipIf(!TEST_DATABASE_URL || !TEST_REDIS_URL)('upload rate across nodes (PostgreSQL + Redis)', () => {
  it('is one budget whichever node the uploads reach', async () => {
    await using database = await createTestDatabase();
    await using redis = createTestRedisPrefix();
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      PARLEY_REDIS_PREFIX: redis.prefix,
      JWT_SECRET: 'media-upload-rate-test-secret',
      PARLEY_DEV_AUTH: 'true',
      PARLEY_UPLOADS_PER_MINUTE: '3',
    };
    await using first = await startTestServer(env);
    await using second = await startTestServer(env);
    const alice = await first.token(1, 'Alice');
    expect((await uploadImage(first, alice, await smallPng(1))).status).toBe(201);
    expect((await uploadImage(second, alice, await smallPng(2))).status).toBe(201);
    expect((await uploadImage(first, alice, await smallPng(3))).status).toBe(201);
    expectError(await uploadImage(second, alice, await smallPng(4)), 429, 'RATE_LIMITED');
    expectError(await uploadImage(first, alice, await smallPng(5)), 429, 'RATE_LIMITED');
  });
});

describe('storage quota per user', () => {
  const QUOTA = 6000;
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ PARLEY_MEDIA_QUOTA_BYTES: String(QUOTA), PARLEY_SEND_RATE: '1000', PARLEY_SEND_BURST: '1000' });
  });
  afterAll(async () => {
    await server?.[Symbol.asyncDispose]();
  });

  it('answers 413 PAYLOAD_TOO_LARGE saying the quota is full, and a recall frees the space', async () => {
    const alice = await server.token(1, 'Alice');
    const bob = await server.token(2, 'Bob');
    const image = await noisyPng(24, 24);
    const stored: { url: string; size: number }[] = [];
    let refused: Awaited<ReturnType<typeof uploadImage>> | null = null;
    for (let attempt = 0; attempt < 10 && !refused; attempt++) {
      const response = await uploadImage(server, alice, image);
      if (response.status === 201) stored.push(response.body);
      else refused = response;
    }
    expect(refused, 'an upload past the quota').not.toBeNull();
    expectError(refused!, 413, 'PAYLOAD_TOO_LARGE');
    expect(refused!.body.error.message).toMatch(/quota/);
    const size = stored[0]!.size;
    expect(stored.length * size).toBeLessThanOrEqual(QUOTA);
    expect((stored.length + 1) * size).toBeGreaterThan(QUOTA);
    // The quota is Alice's own: Bob still uploads.
    expect((await uploadImage(server, bob, image)).status).toBe(201);

    const sent = await server.api(alice, 'POST', '/messages', { receiverId: 2, messageType: 'IMAGE', content: stored[0]!.url, clientMsgId: 'quota-1' });
    expect(sent.status).toBe(201);
    expect((await server.api(alice, 'DELETE', `/messages/${sent.body.id}`)).status).toBe(200);
    expect((await uploadImage(server, alice, image)).status).toBe(201);
    expectError(await uploadImage(server, alice, image), 413, 'PAYLOAD_TOO_LARGE');
  });
});
