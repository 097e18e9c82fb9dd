/**
 * What happens to uploads over time: unused ones are swept after the grace period, a recalled
 * message's media is deleted unless something else still shows it, and pictures taken off a
 * profile go too. Bytes and thumbnails leave the disk with their row.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-app.js';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../support/test-database.js';
import { keyOf, mediaStatus, smallPng, uploadImage } from './media-support.js';

const GRACE_MS = 3_600_000;

const backends = [
  { name: 'PGlite', available: true, postgres: false },
  { name: 'PostgreSQL', available: !!TEST_DATABASE_URL, postgres: true },
];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`media lifecycle on ${backend.name}`, () => {
    let server: TestServer;
    let dataDir: string;
    let database: TestDatabase | null = null;
    let nextUserId = 1;
    let shade = 0;

    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'parley-media-'));
      database = backend.postgres ? await createTestDatabase() : null;
      server = await startTestServer({
        PARLEY_DATA_DIR: dataDir,
        PARLEY_MEDIA_UNUSED_GRACE_MS: String(GRACE_MS),
        PARLEY_SEND_RATE: '1000',
        PARLEY_SEND_BURST: '1000',
        ...(database ? { DATABASE_URL: database.url } : {}),
      });
    });

    afterAll(async () => {
      await server?.[Symbol.asyncDispose]();
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    });

    async function users(): Promise<[string, string, number]> {
      const a = nextUserId++;
      const b = nextUserId++;
      return [await server.token(a, `user${a}`), await server.token(b, `user${b}`), b];
    }

    async function upload(token: string): Promise<{ url: string; thumbnailUrl: string }> {
      const response = await uploadImage(server, token, await smallPng(shade++));
      expect(response.status).toBe(201);
      return response.body;
    }

    async function onDisk(url: string): Promise<boolean> {
      return (await readdir(join(dataDir, 'media'))).includes(keyOf(url));
    }

    async function sendImage(token: string, receiverId: number, url: string): Promise<number> {
      const sent = await server.api(token, 'POST', '/messages', { receiverId, messageType: 'IMAGE', content: url, clientMsgId: `img-${shade++}` });
      expect(sent.status).toBe(201);
      return sent.body.id;
    }

    it('sweeps uploads that no message or profile uses once the grace period is over, bytes and thumbnail included', async () => {
      const [alice, , bobId] = await users();
      const unused = await upload(alice);
      const sent = await upload(alice);
      const photo = await upload(alice);
      const avatar = await upload(alice);
      await sendImage(alice, bobId, sent.url);
      expect((await server.api(alice, 'PUT', '/users/me', { photoUrls: [photo.url], avatarUrl: avatar.url })).status).toBe(200);

      const media = server.app.services.media;
      expect((await media.sweep(new Date(Date.now() + GRACE_MS - 60_000))).map((r) => r.key)).not.toContain(keyOf(unused.url));
      expect(await mediaStatus(server, unused.url)).toBe(200);

      // Every node sweeps on its own timer: two sweeps at once delete each upload once, without error.
      const later = new Date(Date.now() + GRACE_MS + 60_000);
      const swept = (await Promise.all([media.sweep(later), media.sweep(later)])).flat().map((r) => r.key);
      expect(swept.filter((key) => key === keyOf(unused.url))).toHaveLength(1);
      for (const kept of [sent, photo, avatar]) expect(swept).not.toContain(keyOf(kept.url));

      expect(await mediaStatus(server, unused.url)).toBe(404);
      expect(await mediaStatus(server, unused.thumbnailUrl)).toBe(404);
      expect(await onDisk(unused.url)).toBe(false);
      expect(await onDisk(unused.thumbnailUrl)).toBe(false);
      for (const kept of [sent, photo, avatar]) {
        expect(await mediaStatus(server, kept.url)).toBe(200);
        expect(await mediaStatus(server, kept.thumbnailUrl)).toBe(200);
      }
    });

    it('deletes a recalled message’s media for everyone, unless another message still shows it', async () => {
      const [alice, bob, bobId] = await users();
      const image = await upload(alice);
      const first = await sendImage(alice, bobId, image.url);
      const second = await sendImage(alice, bobId, image.url);

      expect((await server.api(alice, 'DELETE', `/messages/${first}`)).status).toBe(200);
      expect(await mediaStatus(server, image.url)).toBe(200);

      expect((await server.api(alice, 'DELETE', `/messages/${second}`)).status).toBe(200);
      expect(await mediaStatus(server, image.url)).toBe(404);
      expect(await mediaStatus(server, image.thumbnailUrl)).toBe(404);
      expect(await onDisk(image.url)).toBe(false);
      expect(await onDisk(image.thumbnailUrl)).toBe(false);
      // Recalled, the message names no media any more, for the receiver as for the sender.
      const history = await server.api(bob, 'GET', `/messages/history/${bobId - 1}`);
      expect(history.body.items.map((m: { content: string; status: string }) => [m.content, m.status])).toEqual([
        ['', 'RECALLED'],
        ['', 'RECALLED'],
      ]);
    });

    it('keeps a recalled photo that is still on the sender’s profile', async () => {
      const [alice, , bobId] = await users();
      const photo = await upload(alice);
      expect((await server.api(alice, 'PUT', '/users/me', { photoUrls: [photo.url] })).status).toBe(200);
      const sent = await sendImage(alice, bobId, photo.url);
      expect((await server.api(alice, 'DELETE', `/messages/${sent}`)).status).toBe(200);
      expect(await mediaStatus(server, photo.url)).toBe(200);
    });

    it('deletes a picture taken off the profile unless a message shows it', async () => {
      const [alice, , bobId] = await users();
      const [dropped, kept, sentToo] = [await upload(alice), await upload(alice), await upload(alice)];
      expect((await server.api(alice, 'PUT', '/users/me', { photoUrls: [dropped.url, kept.url, sentToo.url] })).status).toBe(200);
      await sendImage(alice, bobId, sentToo.url);
      expect((await server.api(alice, 'PUT', '/users/me', { photoUrls: [kept.url] })).status).toBe(200);
      expect(await mediaStatus(server, dropped.url)).toBe(404);
      expect(await onDisk(dropped.url)).toBe(false);
      expect(await mediaStatus(server, kept.url)).toBe(200);
      expect(await mediaStatus(server, sentToo.url)).toBe(200);
    });
  });
}
