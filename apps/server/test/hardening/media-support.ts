/** Uploads for the media hardening suites: real multipart requests and real images made with sharp. */
import sharp from 'sharp';
import type { TestServer } from '../support/test-app.js';
import { raw } from '../rest/rest-helpers.js';

export function imageForm(bytes: Buffer, filename = 'photo.png'): FormData {
  const data = new FormData();
  data.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/octet-stream' }), filename);
  return data;
}

export function uploadImage(server: TestServer, token: string, bytes: Buffer): Promise<{ status: number; body: any; headers: Headers }> {
  return raw(server, 'POST', '/media', { token, body: imageForm(bytes) });
}

/** A small PNG; `shade` makes each one different. */
export function smallPng(shade = 0): Promise<Buffer> {
  return sharp({ create: { width: 32, height: 24, channels: 3, background: { r: shade % 256, g: 80, b: 160 } } })
    .png()
    .toBuffer();
}

/** Status of an unauthenticated GET of a media URL (relative or on the server's public origin). */
export async function mediaStatus(server: TestServer, url: string): Promise<number> {
  const path = url.replace(/^https?:\/\/[^/]+/, '');
  const response = await fetch(server.url + path);
  await response.arrayBuffer();
  return response.status;
}

/** The key at the end of a media URL. */
export function keyOf(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}
