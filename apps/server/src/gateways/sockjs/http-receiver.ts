import type { ServerResponse } from 'node:http';

export type HttpReceiverKind = 'xhr-streaming' | 'xhr-polling' | 'eventsource';

const PRELUDE: Record<HttpReceiverKind, string> = {
  'xhr-streaming': 'h'.repeat(2048) + '\n',
  'xhr-polling': '',
  eventsource: '\r\n',
};

/**
 * One receiving HTTP request of a SockJS session. Streaming receivers write
 * frames until `responseLimitBytes`, then end so the client reopens; a polling receiver ends
 * after its first write.
 */
export class HttpReceiver {
  private sentBytes = 0;
  private ended = false;

  constructor(
    readonly kind: HttpReceiverKind,
    private readonly response: ServerResponse,
    private readonly responseLimitBytes: number,
    onGone: () => void,
  ) {
    response.once('close', () => {
      this.ended = true;
      onGone();
    });
    if (PRELUDE[kind]) response.write(PRELUDE[kind]);
  }

  get isOpen(): boolean {
    return !this.ended;
  }

  /** Writes frames (each one line or event); returns false once this receiver has ended. */
  send(frames: readonly string[]): boolean {
    if (this.ended) return false;
    let text = '';
    for (const frame of frames) text += this.kind === 'eventsource' ? `data: ${frame}\r\n\r\n` : `${frame}\n`;
    this.response.write(text);
    this.sentBytes += text.length;
    if (this.kind === 'xhr-polling' || this.sentBytes >= this.responseLimitBytes) this.end();
    return !this.ended;
  }

  bufferedBytes(): number {
    return this.response.writableLength;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.response.end();
  }
}
