/**
 * The WebSocket surface the SDK (and @stomp/stompjs under it) uses. Browser `WebSocket`, the Node
 * `ws` package and `miniProgramSocketFactory`'s wrapper all provide it.
 */
export interface WebSocketLike {
  url: string;
  readonly readyState: number;
  binaryType?: string;
  onopen: ((ev?: unknown) => unknown) | null | undefined;
  onclose: ((ev?: unknown) => unknown) | null | undefined;
  onerror: ((ev: unknown) => unknown) | null | undefined;
  onmessage: ((ev: { data?: unknown }) => unknown) | null | undefined;
  send(data: string | ArrayBufferLike | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
}

/** Opens a socket to `url` offering the subprotocols `protocols` (STOMP's versions; none for SignalR). */
export type SocketFactory = (url: string, protocols: string[]) => WebSocketLike;

/** Uses the global `WebSocket` (browsers, Node ≥ 22, Deno, Bun). */
export function browserSocketFactory(): SocketFactory {
  return (url, protocols) => {
    const Ctor = (globalThis as { WebSocket?: new (url: string, protocols: string[]) => WebSocketLike }).WebSocket;
    if (!Ctor) throw new Error('no global WebSocket: pass socketFactory (nodeSocketFactory(WebSocket from "ws") in Node 20)');
    return new Ctor(url, protocols);
  };
}

/**
 * Uses a WebSocket class passed in, typically the `ws` package in Node:
 * `nodeSocketFactory(WebSocket)` after `import WebSocket from 'ws'`. The SDK never imports `ws`
 * itself, so browser bundles stay free of it.
 */
export function nodeSocketFactory(WebSocketClass: new (url: string, protocols: string[]) => unknown): SocketFactory {
  return (url, protocols) => new WebSocketClass(url, protocols) as WebSocketLike;
}

/** The WeChat / uni-app `SocketTask` returned by `wx.connectSocket`. */
export interface SocketTask {
  send(options: { data: string | ArrayBuffer; fail?: (err: { errMsg?: string }) => void }): void;
  close(options?: { code?: number; reason?: string }): void;
  onOpen(cb: (res: unknown) => void): void;
  onClose(cb: (res: { code?: number; reason?: string }) => void): void;
  onError(cb: (err: { errMsg?: string }) => void): void;
  onMessage(cb: (res: { data: string | ArrayBuffer }) => void): void;
}

/** The subset of `wx` / `uni` that opens sockets. */
export interface MiniProgramSocketApi {
  connectSocket(options: { url: string; protocols?: string[]; header?: Record<string, string>; complete?: () => void }): SocketTask;
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/** Wraps a SocketTask into the WebSocket shape. */
class SocketTaskAdapter implements WebSocketLike {
  readyState = CONNECTING;
  binaryType = 'arraybuffer';
  onopen: WebSocketLike['onopen'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  onmessage: WebSocketLike['onmessage'] = null;

  constructor(
    readonly url: string,
    private readonly task: SocketTask,
  ) {
    task.onOpen(() => {
      if (this.readyState !== CONNECTING) return;
      this.readyState = OPEN;
      this.onopen?.({});
    });
    task.onMessage((res) => {
      if (this.readyState === OPEN) this.onmessage?.({ data: res.data });
    });
    task.onError((err) => {
      this.onerror?.(err);
      this.markClosed(1006, err.errMsg ?? 'socket error');
    });
    task.onClose((res) => this.markClosed(res.code ?? 1000, res.reason ?? ''));
  }

  send(data: string | ArrayBufferLike | ArrayBufferView): void {
    if (this.readyState !== OPEN) throw new Error('socket is not open');
    const payload = typeof data === 'string' ? data : ArrayBuffer.isView(data) ? (data.buffer as ArrayBuffer) : (data as ArrayBuffer);
    this.task.send({ data: payload, fail: (err) => this.onerror?.(err) });
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState >= CLOSING) return;
    this.readyState = CLOSING;
    try {
      this.task.close({ code, reason });
    } finally {
      // Some base libraries never fire onClose for a locally closed task; do not wait for it.
      this.markClosed(code, reason);
    }
  }

  private markClosed(code: number, reason: string): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.onclose?.({ code, reason, wasClean: code === 1000 });
  }
}

const activeSockets = new WeakMap<MiniProgramSocketApi, WebSocketLike>();

/**
 * Opens sockets with `wx.connectSocket` / `uni.connectSocket`. Mini-programs limit concurrent
 * sockets, so the factory keeps one socket per app (per `api` object): opening a new one closes the
 * previous one first.
 */
export function miniProgramSocketFactory(api: MiniProgramSocketApi): SocketFactory {
  return (url, protocols) => {
    activeSockets.get(api)?.close(1000, 'replaced');
    // An empty list (SignalR offers no subprotocol) is refused by some base libraries: leave it out.
    const task = api.connectSocket({ url, ...(protocols.length > 0 ? { protocols } : {}), complete: () => undefined });
    const socket = new SocketTaskAdapter(url, task);
    activeSockets.set(api, socket);
    return socket;
  };
}
