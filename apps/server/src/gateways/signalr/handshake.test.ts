import { describe, expect, it } from 'vitest';
import { readHandshake } from './handshake.js';
import { HubProtocolError, parseHubMessage } from './hub-messages.js';

describe('readHandshake', () => {
  it('accepts json versions 1 and 2', () => {
    expect(readHandshake('{"protocol":"json","version":1}')).toEqual({ ok: true, version: 1 });
    expect(readHandshake('{"version":2,"protocol":"json"}')).toEqual({ ok: true, version: 2 });
  });

  it('matches the protocol name in any case, as ASP.NET Core does', () => {
    expect(readHandshake('{"protocol":"JSON","version":1}')).toEqual({ ok: true, version: 1 });
    expect(readHandshake('{"protocol":"Json","version":2}')).toEqual({ ok: true, version: 2 });
  });

  it('answers other protocols, versions and shapes with ASP.NET wording', () => {
    expect(readHandshake('{"protocol":"messagepack","version":1}')).toEqual({ ok: false, error: "The protocol 'messagepack' is not supported." });
    expect(readHandshake('{"protocol":"json","version":3}')).toEqual({ ok: false, error: "The server does not support version 3 of the 'json' protocol." });
    expect(readHandshake('{"type":1,"target":"SendMessage","arguments":[]}')).toMatchObject({ ok: false });
    expect(readHandshake('nope')).toMatchObject({ ok: false });
    expect(readHandshake('[1]')).toMatchObject({ ok: false });
  });
});

describe('parseHubMessage', () => {
  it('reads invocations with and without ids, and ignores unknown types', () => {
    expect(parseHubMessage('{"arguments":[1],"target":"X","invocationId":"0","type":1}')).toEqual({ type: 1, target: 'X', arguments: [1], invocationId: '0' });
    expect(parseHubMessage('{"type":1,"target":"X","arguments":[]}')).toEqual({ type: 1, target: 'X', arguments: [] });
    expect(parseHubMessage('{"type":42,"x":1}')).toEqual({ type: 'unknown' });
    expect(parseHubMessage('{"type":9,"sequenceId":3}')).toEqual({ type: 9, sequenceId: 3 });
  });

  it('refuses malformed records', () => {
    for (const bad of ['x', '[]', '{"target":"X"}', '{"type":1,"arguments":[]}', '{"type":1,"target":"X","arguments":{}}', '{"type":8}', '{"type":1,"target":"X","invocationId":5}']) {
      expect(() => parseHubMessage(bad), bad).toThrow(HubProtocolError);
    }
  });
});
