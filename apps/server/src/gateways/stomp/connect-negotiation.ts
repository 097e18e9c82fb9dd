import { bearerToken } from '../../auth/authenticator.js';
import { headerOf, StompProtocolError, STOMP_VERSIONS, type StompFrame, type StompVersion } from './stomp-frame.js';

/** The newest version both sides speak; a missing `accept-version` means 1.0. */
export function negotiateVersion(acceptVersion: string | undefined): StompVersion | null {
  if (acceptVersion === undefined) return '1.0';
  const offered = new Set(acceptVersion.split(',').map((v) => v.trim()));
  return STOMP_VERSIONS.find((v) => offered.has(v)) ?? null;
}

/** Agreed heart-beat periods in ms; 0 means off in that direction. */
export interface HeartbeatPlan {
  /** How often the server writes at least an EOL. */
  serverSendMs: number;
  /** How often the client promised to write; it is dropped after 3× that of silence. */
  clientSendMs: number;
}

/**
 * Applies STOMP's rule: the server sends every max(sx, cy) and expects the client every
 * max(cx, sy), each direction off when either side says 0. The server offers `sx = sy = offerMs`.
 */
export function planHeartbeat(header: string | undefined, offerMs: number): HeartbeatPlan {
  let cx = 0;
  let cy = 0;
  if (header !== undefined) {
    const match = /^\s*(\d{1,9})\s*,\s*(\d{1,9})\s*$/.exec(header);
    if (!match) throw new StompProtocolError('Invalid heart-beat header', `heart-beat "${header.slice(0, 32)}" is not "cx,cy"`);
    cx = Number(match[1]);
    cy = Number(match[2]);
  }
  return {
    serverSendMs: offerMs > 0 && cy > 0 ? Math.max(offerMs, cy) : 0,
    clientSendMs: offerMs > 0 && cx > 0 ? Math.max(offerMs, cx) : 0,
  };
}

/** The token of a CONNECT frame: `Authorization: Bearer …` (or a bare token), else `passcode`. */
export function connectToken(frame: StompFrame): string | null {
  const authorization = headerOf(frame, 'Authorization') ?? headerOf(frame, 'authorization');
  if (authorization?.trim()) return bearerToken(authorization) ?? authorization.trim();
  const passcode = headerOf(frame, 'passcode');
  if (passcode?.trim()) return bearerToken(passcode) ?? passcode.trim();
  return null;
}
