import { MESSAGE_TYPE_BY_HUB_NUMBER, SENDABLE_MESSAGE_TYPES, type HubSendMessageDto, type SendableMessageType } from '@parley/protocol';
import { AppError } from '../../domain/app-error.js';
import type { SendCommand } from '../../services/messaging-service.js';

/**
 * The ChatHub's `SendMessage` dto (docs/signalr.md) as a domain command: the integer type by name, a voice note's
 * `voiceUrl` as content and `voiceDuration` (seconds) as `extra.durationMs`, `extraData`
 * (a JSON string) as `extra`, `tempId` as `clientMsgId`. Exchange types (4–7) come only from
 * ExchangeWeChat/ExchangePhoto/RespondExchange and are refused here.
 */
export function toSendCommand(dto: HubSendMessageDto): SendCommand {
  const name = MESSAGE_TYPE_BY_HUB_NUMBER[dto.messageType];
  if (!name || !(SENDABLE_MESSAGE_TYPES as readonly string[]).includes(name)) {
    throw new AppError('VALIDATION_FAILED', `messageType: ${dto.messageType} cannot be sent with SendMessage (1 text, 2 voice, 3 image, 8 video, 9 emoji, 10 custom)`);
  }
  const messageType = name as SendableMessageType;
  let extra = parseExtraData(dto.extraData);
  let content = dto.content ?? '';
  if (messageType === 'VOICE') {
    if (dto.voiceUrl) content = dto.voiceUrl;
    if (typeof dto.voiceDuration === 'number') extra = { ...extra, durationMs: Math.round(dto.voiceDuration * 1000) };
  }
  return {
    receiverId: dto.receiverId,
    messageType,
    content,
    clientMsgId: dto.tempId ?? null,
    ...(extra ? { extra } : {}),
    ...(dto.replyToId ? { replyToId: dto.replyToId } : {}),
  };
}

function parseExtraData(extraData: string | null | undefined): Record<string, unknown> | null {
  if (extraData === undefined || extraData === null || extraData.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(extraData);
  } catch {
    throw new AppError('VALIDATION_FAILED', 'extraData: must be a JSON object in a string');
  }
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new AppError('VALIDATION_FAILED', 'extraData: must be a JSON object in a string');
  return value as Record<string, unknown>;
}
