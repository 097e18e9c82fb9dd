import { expect } from 'vitest';
import type { LoadDevice } from './load-device.js';
import { syncAll } from './users.js';

/**
 * The node-loss and Redis-restart promise (nothing acknowledged is lost; /sync repairs what a
 * push missed): every acknowledged message
 * exists exactly once for its sender and its receiver, and each device's view — what it was
 * pushed plus one /sync from its last gap-free userSeq — holds every message of its user's log
 * from where it started, with nothing missing.
 */
export async function verifyExactlyOnce(baseUrl: string, devices: LoadDevice[], tokens: Map<number, string>, partnerOf: (userId: number) => number): Promise<{ acked: number; messages: number }> {
  const logs = new Map<number, any[]>();
  for (const userId of new Set(devices.map((d) => d.userId))) logs.set(userId, await syncAll(baseUrl, tokens.get(userId)!));
  let acked = 0;
  for (const [userId, events] of logs) {
    const ids = events.filter((e) => e.type === 'message').map((e) => e.data.id);
    expect(new Set(ids).size, `user ${userId}: a message twice in the update log`).toBe(ids.length);
    const seqs = events.map((e) => e.userSeq);
    expect(seqs, `user ${userId}: userSeq not gap-free`).toEqual(seqs.map((_, i) => i + 1));
  }
  for (const device of devices) {
    const senderLog = logs.get(device.userId)!.filter((e) => e.type === 'message' && e.data.senderId === device.userId);
    const receiverLog = logs.get(partnerOf(device.userId))!.filter((e) => e.type === 'message');
    for (const clientMsgId of device.acked) {
      const mine = senderLog.filter((e) => e.data.clientMsgId === clientMsgId);
      expect(mine, `${device.door} device of ${device.userId}: ${clientMsgId} stored ${mine.length} times`).toHaveLength(1);
      const theirs = receiverLog.filter((e) => e.data.id === mine[0].data.id);
      expect(theirs, `receiver of ${clientMsgId} has it ${theirs.length} times`).toHaveLength(1);
      acked++;
    }
    // The device's own repair: pushes, then /sync from the last gap-free userSeq.
    const seqs = device.pushed.map((p) => p.userSeq).filter((s): s is number => s !== null).sort((a, b) => a - b);
    if (seqs.length === 0) continue;
    const start = seqs[0]!;
    let contiguous = start;
    for (const s of seqs) if (s === contiguous + 1) contiguous = s;
    const repaired = await syncAll(baseUrl, tokens.get(device.userId)!, contiguous);
    const view = new Set([...device.pushed.map((p) => p.id), ...repaired.filter((e) => e.type === 'message').map((e) => e.data.id)]);
    const expected = logs.get(device.userId)!.filter((e) => e.type === 'message' && e.userSeq >= start).map((e) => e.data.id);
    for (const id of expected) expect(view.has(id), `${device.door} device of ${device.userId} misses message ${id} after /sync`).toBe(true);
  }
  const messages = [...logs.values()].reduce((n, events) => n + events.filter((e) => e.type === 'message').length, 0);
  return { acked, messages };
}
