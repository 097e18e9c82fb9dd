import { describe, expect, it } from 'vitest';
import { LIMITS } from '@parley/protocol';
import { AppError } from './app-error.js';
import { charLength, checkOutgoingContent, mediaKeyOf } from './message-rules.js';

function failure(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

const URL_OK = '/media/AbCdEfGh12345678.png';

describe('charLength', () => {
  it('counts code points, so an emoji or a CJK character counts once', () => {
    expect(charLength('')).toBe(0);
    expect(charLength('abc')).toBe(3);
    expect(charLength('你好')).toBe(2);
    expect(charLength('😀😀')).toBe(2);
  });
});

describe('mediaKeyOf', () => {
  it('accepts relative and absolute URLs of /media/<key>', () => {
    expect(mediaKeyOf(URL_OK)).toBe('AbCdEfGh12345678.png');
    expect(mediaKeyOf('https://chat.example.com/media/AbCdEfGh12345678.jpg')).toBe('AbCdEfGh12345678.jpg');
    expect(mediaKeyOf('/media/AbCdEfGh12345678.png?x=1')).toBe('AbCdEfGh12345678.png');
  });

  it('refuses anything else', () => {
    for (const url of ['', 'hello', '/media/', '/media/short.png', '/media/AbCdEfGh12345678', '/other/AbCdEfGh12345678.png', '/media/../etc/passwd.png', '/media/AbCdEfGh12345678.png/x', '/media/AbCdEfGh1234%2F5678.png']) {
      expect(mediaKeyOf(url), url).toBeNull();
    }
  });

  it('refuses schemes other than http and https, whatever the path', () => {
    for (const url of ['javascript:/media/AbCdEfGh12345678.png', 'JavaScript://%0aalert(1)//media/AbCdEfGh12345678.png', 'data:/media/AbCdEfGh12345678.png', 'file:///media/AbCdEfGh12345678.png']) {
      expect(mediaKeyOf(url), url).toBeNull();
    }
    expect(mediaKeyOf('https://evil.example/media/AbCdEfGh12345678.png?x#y')).toBe('AbCdEfGh12345678.png');
  });
});

describe('checkOutgoingContent', () => {
  it('trims TEXT and bounds it to 1–5000 characters', () => {
    expect(checkOutgoingContent('TEXT', '  hi  ', { ignored: true })).toEqual({ content: 'hi', extra: null, media: null });
    expect(checkOutgoingContent('TEXT', '😀'.repeat(LIMITS.textMaxChars), null).content).toHaveLength(LIMITS.textMaxChars * 2);
    for (const bad of ['', '   ', '\n\t', 'x'.repeat(LIMITS.textMaxChars + 1)]) {
      const error = failure(() => checkOutgoingContent('TEXT', bad, null));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.message).toMatch(/^content:/);
    }
  });

  it('keeps SQL-looking and markup text verbatim (after trimming)', () => {
    const text = "'; DROP TABLE messages; -- <script>alert(1)</script>";
    expect(checkOutgoingContent('TEXT', text, null).content).toBe(text);
  });

  it('bounds EMOJI sticker codes to 1–64 characters', () => {
    expect(checkOutgoingContent('EMOJI', ' [smile] ', null)).toEqual({ content: '[smile]', extra: null, media: null });
    expect(failure(() => checkOutgoingContent('EMOJI', '', null)).code).toBe('VALIDATION_FAILED');
    expect(failure(() => checkOutgoingContent('EMOJI', 'x'.repeat(65), null)).code).toBe('VALIDATION_FAILED');
  });

  it('needs a /media URL for IMAGE and VIDEO and returns the key to check ownership of', () => {
    expect(checkOutgoingContent('IMAGE', URL_OK, { width: 1 })).toEqual({ content: URL_OK, extra: null, media: { key: 'AbCdEfGh12345678.png', kind: 'image' } });
    expect(checkOutgoingContent('VIDEO', URL_OK, null).media).toEqual({ key: 'AbCdEfGh12345678.png', kind: 'video' });
    for (const bad of ['', 'https://evil.example.com/x.png', 'not a url']) {
      expect(failure(() => checkOutgoingContent('IMAGE', bad, null)).message).toMatch(/^content: IMAGE/);
    }
  });

  it('needs VOICE durationMs as a whole number 1–300000', () => {
    expect(checkOutgoingContent('VOICE', URL_OK, { durationMs: 1500, other: 'dropped' })).toEqual({
      content: URL_OK,
      extra: { durationMs: 1500 },
      media: { key: 'AbCdEfGh12345678.png', kind: 'voice' },
    });
    expect(checkOutgoingContent('VOICE', URL_OK, { durationMs: LIMITS.voiceMaxDurationMs }).extra).toEqual({ durationMs: 300_000 });
    for (const extra of [null, undefined, {}, { durationMs: 0 }, { durationMs: -5 }, { durationMs: 1.5 }, { durationMs: '1000' }, { durationMs: 300_001 }]) {
      const error = failure(() => checkOutgoingContent('VOICE', URL_OK, extra as Record<string, unknown> | null | undefined));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.message).toMatch(/^extra\.durationMs/);
    }
  });
});

describe('CUSTOM messages', () => {
  const card = { kind: 'date-invitation', place: '外滩', at: '2026-12-24T19:00:00+08:00', guests: [7, 9] };

  it('keep the host app object as sent and the trimmed fallback text', () => {
    expect(checkOutgoingContent('CUSTOM', '  [约会邀请]  ', card)).toEqual({ content: '[约会邀请]', extra: card, media: null });
  });

  it('need a fallback text of 1–200 characters, counted in code points', () => {
    expect(checkOutgoingContent('CUSTOM', '礼'.repeat(LIMITS.customContentMaxChars), card).content).toHaveLength(200);
    for (const content of ['', '   ', 'x'.repeat(LIMITS.customContentMaxChars + 1)]) {
      const error = failure(() => checkOutgoingContent('CUSTOM', content, card));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.message).toMatch(/^content: CUSTOM/);
    }
  });

  it('need a JSON object as extra', () => {
    for (const extra of [null, undefined, [1, 2] as unknown as Record<string, unknown>]) {
      const error = failure(() => checkOutgoingContent('CUSTOM', 'gift', extra));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.message).toMatch(/^extra: CUSTOM needs a JSON object/);
    }
  });

  it('take an extra of at most 8 KB of UTF-8 JSON, so Chinese text counts three bytes a character', () => {
    const exactly = (bytes: number) => ({ note: 'x'.repeat(bytes - '{"note":""}'.length) });
    expect(checkOutgoingContent('CUSTOM', 'gift', exactly(LIMITS.customExtraMaxBytes)).extra).toEqual(exactly(LIMITS.customExtraMaxBytes));
    const error = failure(() => checkOutgoingContent('CUSTOM', 'gift', exactly(LIMITS.customExtraMaxBytes + 1)));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toBe('extra: CUSTOM extra is 8193 bytes of JSON, at most 8192');
    expect(failure(() => checkOutgoingContent('CUSTOM', 'gift', { note: '礼'.repeat(2731) })).message).toMatch(/^extra: CUSTOM extra is 8204 bytes/);
  });

  it('may not carry the keys the server keeps in extra', () => {
    for (const key of ['replyTo', 'masked']) {
      const error = failure(() => checkOutgoingContent('CUSTOM', 'gift', { [key]: 1 }));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.message).toBe(`extra: ${key} is kept by the server; CUSTOM extra may not use it`);
    }
  });
});
