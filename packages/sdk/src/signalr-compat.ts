import {
  HUB_COMMAND_METHODS,
  HUB_PUSH_EVENTS,
  MESSAGE_TYPE_BY_HUB_NUMBER,
  SENDABLE_MESSAGE_TYPES,
  toHubMessage,
  type Message,
  type SendableMessageType,
} from '@parley/protocol';
import { ParleyError } from './errors.js';
import type { MessageMeta, UpdateMeta } from './events.js';
import { newClientMsgId } from './outbox.js';
import { ParleyClient, type SendInput } from './parley-client.js';
import type { ParleyClientOptions } from './parley-client-options.js';

const [RECEIVE_MESSAGE, MESSAGE_SENT] = HUB_PUSH_EVENTS.message;
const [USER_ONLINE, USER_OFFLINE] = HUB_PUSH_EVENTS.presence;
const SEND_MESSAGE = HUB_COMMAND_METHODS.send[0].toLowerCase();
const TYPING = HUB_COMMAND_METHODS.typing[0].toLowerCase();

/** Options of ParleySignalR: those of ParleyClient, which it runs with `transport: 'signalr'`. */
export type ParleySignalROptions = Omit<ParleyClientOptions, 'transport'>;

/** A handler of a hub event, called with the event's arguments as the hub sends them. */
export type HubEventHandler = (...args: unknown[]) => void;

/** The fields of the hub's `SendMessage` argument this module reads (docs/signalr.md). */
interface SendMessageDto {
  tempId?: string | number | null;
  receiverId: number;
  messageType: number;
  content?: string | null;
  voiceUrl?: string | null;
  voiceDuration?: number | null;
  extraData?: string | null;
  /** The message of the same conversation this one replies to. */
  replyToId?: number | null;
}

/**
 * A drop-in for a hand-written SignalR client with the methods `connect`, `invoke`, `on`, `off`
 * and `disconnect` (the shape mini-program chat pages are commonly written against), on top of
 * ParleyClient's SignalR transport. A page that calls `invoke('SendMessage', dto)` and listens to
 * `ReceiveMessage` / `MessageSent` works unchanged, and gains what such clients lack:
 *
 * - reconnect with backoff that never gives up, pings both ways and a dead-server timeout;
 * - `SendMessage` goes through the outbox: queued while offline, written again after a drop with
 *   the same tempId (stored once), and the returned promise resolves with the stored message;
 * - every message reaches `ReceiveMessage` / `MessageSent` once (dedup by id), and what was missed
 *   while disconnected is read from `/sync` after reconnecting and emitted in order.
 *
 * Events are emitted in the hub's shapes and names (matched in any case, as SignalR does), with
 * `userSeq` when the change is in my update log. `invoke` resolves with the hub method's result
 * and rejects with a ParleyError whose message reads `"CODE: message"`, as the hub's errors do.
 */
export class ParleySignalR {
  /** The client underneath, for everything the hub names do not cover (history, uploads, state). */
  readonly client: ParleyClient;
  private readonly handlers = new Map<string, Set<HubEventHandler>>();
  /** tempIds of SendMessage calls made here, in the type the page used, by clientMsgId. */
  private readonly tempIds = new Map<string, string | number>();

  constructor(options: ParleySignalROptions) {
    this.client = new ParleyClient({ ...options, transport: 'signalr' });
    this.client.on('message', (message, meta) => this.messageArrived(message, meta));
    this.client.on('read', (r, meta) => this.emit(HUB_PUSH_EVENTS.read[0], withSeq({ sessionId: r.conversationId, readerId: r.readerId, readUpToSeq: r.readUpToSeq }, meta)));
    this.client.on('recall', (r, meta) => this.emit(HUB_PUSH_EVENTS.recall[0], withSeq({ sessionId: r.conversationId, messageId: r.messageId, seq: r.seq }, meta)));
    this.client.on('exchange', (answer, meta) => this.emit(HUB_PUSH_EVENTS.exchange[0], withSeq({ ...answer }, meta)));
    this.client.on('edit', (message, meta) => this.emit(HUB_PUSH_EVENTS.edit[0], withSeq({ ...toHubMessage(message) }, meta)));
    this.client.on('reaction', ({ conversationId, ...change }, meta) => this.emit(HUB_PUSH_EVENTS.reaction[0], withSeq({ sessionId: conversationId, ...change }, meta)));
    this.client.on('hide', ({ conversationId, ...hidden }, meta) => this.emit(HUB_PUSH_EVENTS.hide[0], withSeq({ sessionId: conversationId, ...hidden }, meta)));
    this.client.on('conversation', ({ conversationId, ...change }, meta) => this.emit(HUB_PUSH_EVENTS.conversation[0], withSeq({ sessionId: conversationId, ...change }, meta)));
    this.client.on('typing', (t) => this.emit(HUB_PUSH_EVENTS.typing[0], { sessionId: t.conversationId, userId: t.userId, isTyping: t.typing }));
    this.client.on('presence', (p) =>
      p.online ? this.emit(USER_ONLINE, { userId: p.userId }) : this.emit(USER_OFFLINE, { userId: p.userId, lastSeenAt: p.lastSeenAt }),
    );
  }

  /** True while the hub connection is up. */
  get isConnected(): boolean {
    return this.client.state === 'connected';
  }

  /**
   * Connects and keeps reconnecting until `disconnect()`. Resolves at the first connection (after
   * its sync); calling it again while connected does nothing.
   */
  connect(): Promise<void> {
    return this.client.connect();
  }

  /** Disconnects and stops reconnecting; unsent messages stay queued for the next `connect()`. */
  disconnect(): Promise<void> {
    return this.client.disconnect();
  }

  /** Calls a hub method (see the class comment for SendMessage; Typing is dropped while offline). */
  async invoke(method: string, ...args: unknown[]): Promise<unknown> {
    try {
      switch (method.toLowerCase()) {
        case SEND_MESSAGE:
          return await this.sendMessage(args[0] as SendMessageDto);
        case TYPING:
          this.client.setTyping(Number(args[0]), args[1] === true);
          return undefined;
        default:
          return await this.invokeWhenConnected(method, args);
      }
    } catch (error) {
      if (error instanceof ParleyError) throw new ParleyError(error.code, `${error.code}: ${error.message}`, error.details);
      throw error;
    }
  }

  /** Registers a handler for a hub event (`ReceiveMessage`, `MessageSent`, `MessagesRead`, …). */
  on(event: string, handler: HubEventHandler): void {
    const key = event.toLowerCase();
    let set = this.handlers.get(key);
    if (!set) this.handlers.set(key, (set = new Set()));
    set.add(handler);
  }

  /** Removes a handler; without one, every handler of that event. */
  off(event: string, handler?: HubEventHandler): void {
    const key = event.toLowerCase();
    if (handler) this.handlers.get(key)?.delete(handler);
    else this.handlers.delete(key);
  }

  private async sendMessage(dto: SendMessageDto): Promise<unknown> {
    if (!dto || typeof dto !== 'object') throw new ParleyError('VALIDATION_FAILED', 'SendMessage takes one dto');
    const messageType = MESSAGE_TYPE_BY_HUB_NUMBER[dto.messageType];
    if (!messageType || !(SENDABLE_MESSAGE_TYPES as readonly string[]).includes(messageType)) {
      throw new ParleyError('VALIDATION_FAILED', `messageType: ${dto.messageType} cannot be sent with SendMessage (1 text, 2 voice, 3 image, 8 video, 9 emoji)`);
    }
    const tempId = dto.tempId ?? newClientMsgId();
    const clientMsgId = String(tempId);
    const input: SendInput = { receiverId: dto.receiverId, messageType: messageType as SendableMessageType, content: dto.content ?? '', clientMsgId };
    let extra = parseExtraData(dto.extraData);
    if (messageType === 'VOICE') {
      if (dto.voiceUrl) input.content = dto.voiceUrl;
      if (typeof dto.voiceDuration === 'number') extra = { ...extra, durationMs: Math.round(dto.voiceDuration * 1000) };
    }
    if (extra) input.extra = extra;
    if (typeof dto.replyToId === 'number') input.replyToId = dto.replyToId;
    this.tempIds.set(clientMsgId, tempId);
    try {
      await this.client.send(input);
      const stored = await this.client.waitForSent(clientMsgId);
      return { ...toHubMessage(stored), tempId };
    } catch (error) {
      this.tempIds.delete(clientMsgId);
      throw error;
    }
  }

  /** Waits for the connection as long as it takes, and calls again when it dropped before the answer. */
  private async invokeWhenConnected(method: string, args: unknown[]): Promise<unknown> {
    for (;;) {
      const banned = this.client.closedReason;
      if (banned) throw banned;
      if (this.client.state === 'closed' || this.client.state === 'idle') throw new ParleyError('CLOSED', `not connected: call connect() before ${method}`);
      if (this.client.state === 'connected') {
        try {
          return await this.client.invokeHub(method, ...args);
        } catch (error) {
          if (!(error instanceof ParleyError) || error.code !== 'NETWORK') throw error;
        }
      }
      await new Promise<void>((resolve) => {
        const off = this.client.on('state', (state) => {
          if (state === 'reconnecting') return;
          off();
          resolve();
        });
      });
    }
  }

  private messageArrived(message: Message, meta: MessageMeta): void {
    const tempId = message.clientMsgId === null ? undefined : this.tempIds.get(message.clientMsgId);
    if (tempId !== undefined && message.senderId === this.client.userId) {
      this.tempIds.delete(message.clientMsgId as string);
      this.emit(MESSAGE_SENT, withSeq({ tempId, messageId: message.id, sessionId: message.conversationId, seq: message.seq, createTime: message.createdAt }, meta));
      return;
    }
    this.emit(RECEIVE_MESSAGE, withSeq({ ...toHubMessage(message) }, meta));
  }

  private emit(event: string, argument: Record<string, unknown>): void {
    for (const handler of [...(this.handlers.get(event.toLowerCase()) ?? [])]) {
      try {
        handler(argument);
      } catch (error) {
        console.error(error);
      }
    }
  }
}

function withSeq(argument: Record<string, unknown>, meta: MessageMeta | UpdateMeta): Record<string, unknown> {
  return meta.userSeq === null ? argument : { ...argument, userSeq: meta.userSeq };
}

function parseExtraData(extraData: string | null | undefined): Record<string, unknown> | null {
  if (!extraData) return null;
  let value: unknown;
  try {
    value = JSON.parse(extraData);
  } catch {
    throw new ParleyError('VALIDATION_FAILED', 'extraData: must be a JSON object in a string');
  }
  if (value !== null && (typeof value !== 'object' || Array.isArray(value))) throw new ParleyError('VALIDATION_FAILED', 'extraData: must be a JSON object in a string');
  return value as Record<string, unknown> | null;
}
