/**
 * @parley/sdk — the Parley client: STOMP (or SignalR, `transport: 'signalr'`) pushes + REST,
 * reconnect with backoff, an outbox that retries until the server stores each message, dedup and
 * gap repair through `/sync`. `@parley/sdk/signalr-compat` offers the same over the method names
 * of hand-written SignalR clients.
 * Runs in browsers, Node (pass `nodeSocketFactory(WebSocket)` from `ws`) and mini-programs
 * (`miniProgramSocketFactory(wx)`, `miniProgramHttp(wx)`, `miniProgramUploader(wx)`).
 */
export { ParleyClient, type ParleyClientOptions, type SendInput, type ReportOptions } from './parley-client.js';
export type { ParleyEvents, MessageMeta, UpdateMeta } from './events.js';
export { ChatCache, type CachedConversation, type UpdateSource } from './chat-cache.js';
export type { ConnectionState } from './realtime-connection.js';
export { ParleyError, isContentRejectedReason, type SdkErrorCode, type ContentRejectedReason } from './errors.js';
export { Backoff, type BackoffOptions } from './backoff.js';
export { BoundedIdSet } from './bounded-id-set.js';
export { TypedEmitter, type Listener } from './emitter.js';
export { fetchHttp, miniProgramHttp, type HttpTransport, type HttpRequest, type HttpResponse, type MiniProgramRequestApi } from './http-transport.js';
export { Outbox, newClientMsgId } from './outbox.js';
export type { OutboxBody, OutboxItem, OutboxState } from './outbox-item.js';
export {
  MemoryOutboxStorage,
  LocalStorageOutboxStorage,
  IndexedDbOutboxStorage,
  type OutboxStorage,
  type KeyValueStorage,
} from './outbox-storage.js';
export {
  RestApi,
  type OwnProfile,
  type ProfileUpdate,
  type ReadResult,
  type HistoryOptions,
  type WithUserSeq,
  type ConversationListOptions,
  type SearchOptions,
  type SearchHit,
  type SearchPage,
  type UserSettings,
} from './rest-api.js';
export type { OperationRunnerOptions } from './operation-runner.js';
export {
  browserSocketFactory,
  nodeSocketFactory,
  miniProgramSocketFactory,
  type SocketFactory,
  type WebSocketLike,
  type SocketTask,
  type MiniProgramSocketApi,
} from './socket-factory.js';
export {
  registerWebPush,
  unregisterWebPush,
  reportWeChatSubscribeGrants,
  weChatGrantBalance,
  setWeChatOpenId,
  setWeChatOaOpenId,
  type PushRegistrationLike,
  type PushSubscriptionLike,
  type WeChatSubscribeResult,
} from './push-registration.js';
export type { TokenProvider } from './token-source.js';
export { TypingThrottle } from './typing-throttle.js';
export { UpdateSequencer, type EventSource } from './update-sequencer.js';
export {
  defaultUploader,
  xhrUploader,
  fetchUploader,
  miniProgramUploader,
  type Uploader,
  type UploadRequest,
  type UploadResponse,
  type UploadProgress,
  type MiniProgramUploadApi,
} from './upload.js';
