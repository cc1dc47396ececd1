import {
  CONNECTED_MESSAGE,
  CloseCode,
  ConnectedStatus,
  ErrorCode,
  RateLimitedFrame,
  ServerMessage,
  UPSTREAM_SPEAK_CHAR_LIMITS,
} from '@tts/protocol';
import {
  AudioFormat,
  ConnectionState,
  SessionConfigRequest,
  TtsClientEvents,
  TtsCloseEvent,
  TtsError,
} from './client-events';
import { PendingClears } from './pending-clears';
import { BackoffOptions, DEFAULT_BACKOFF, backoffDelay, isReconnectable } from './reconnect-backoff';
import { confirmedFormat, requestedFormat } from './session-format';
import { StreamTarget, streamUrl } from './stream-url';
import { TypedEmitter } from './typed-emitter';
import { WEBSOCKET_OPEN, WebSocketConstructor, WebSocketLike } from './websocket-like';

/**
 * The most characters `speak()` calls are joined into one Speak frame: Aura-2's per-message limit (the
 * smaller one), so the gateway never has to split what the SDK joined. Even all escaped (`\uXXXX`, 6 bytes a
 * character) such a frame stays far below the gateway's 64 KiB frame limit. A longer single `speak()` text is
 * sent alone, as given (the gateway splits it).
 */
export const MAX_COALESCED_SPEAK_CHARS: number = UPSTREAM_SPEAK_CHAR_LIMITS.aura2;

/** A client message not yet on the wire. */
type Outgoing = { type: 'Speak'; text: string } | { type: 'Flush' } | { type: 'Clear' } | { type: 'Close' };

export interface TtsClientOptions extends StreamTarget {
  /**
   * Sent as the session's first message on every (re)connect; without it `{}` (the defaults) is sent.
   * `speed` (0.7-1.5) sets the speaking rate on English and Spanish Aura-2 voices.
   */
  config?: SessionConfigRequest;
  /** `false` disables automatic reconnects. */
  reconnect?: Partial<BackoffOptions> | false;
  /** WebSocket implementation; defaults to the global one (browsers, Node 22+). In Node < 22 pass `ws`. */
  WebSocket?: WebSocketConstructor;
}

/**
 * A session with the TTS gateway: typed events, `speak`/`flush`/`clear`/`close`, and reconnects with
 * jittered, capped backoff after network drops (never after a normal close or a 4400/4401/4402/4403/4429).
 * After an idle timeout (4408) it rests in state `idle` until the next `speak()`.
 */
export class TtsClient extends TypedEmitter<TtsClientEvents> {
  private socket: WebSocketLike | null = null;
  private currentState: ConnectionState = 'idle';
  private format: AudioFormat;
  private readonly backoff: BackoffOptions | null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Messages not yet sent, in order: all of them while the socket is not open, else the Speak being joined in
   * this microtask. Consecutive `speak()` texts are joined into one Speak (up to MAX_COALESCED_SPEAK_CHARS), so
   * text streamed token by token stays within the gateway's message rate.
   */
  private outbox: Outgoing[] = [];
  private drainScheduled = false;
  private readonly clears = new PendingClears();
  private closeRequested = false;
  /** The gateway ended an idle session: state `idle`, and the next `speak()` opens a new one. */
  private resting = false;

  constructor(private readonly options: TtsClientOptions) {
    super();
    this.backoff = options.reconnect === false ? null : { ...DEFAULT_BACKOFF, ...options.reconnect };
    this.format = requestedFormat(options.config);
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** The format of the audio events (the gateway's confirmed one once connected). */
  get audioFormat(): AudioFormat {
    return this.format;
  }

  /**
   * Opens the session; resolves on the gateway's "connected" status, rejects if it ends for good first. It
   * never throws: a URL or WebSocket implementation that cannot open a socket rejects it (and emits
   * `error` `connection_error`, then `close` 1006), leaving the client `closed`.
   */
  connect(): Promise<ConnectedStatus> {
    if (this.currentState !== 'idle' && this.currentState !== 'closed') {
      return Promise.reject(new Error(`TtsClient: cannot connect while ${this.currentState}`));
    }
    this.closeRequested = false;
    this.resting = false;
    this.attempt = 0;
    const connected = new Promise<ConnectedStatus>((resolve, reject) => {
      const offStatus = this.on('status', (status) => {
        if (status.message !== CONNECTED_MESSAGE) return;
        offStatus();
        offClose();
        resolve(status);
      });
      const offClose = this.on('close', (event) => {
        if (event.willReconnect) return;
        offStatus();
        offClose();
        const why = event.reason ? `: ${event.reason}` : '';
        reject(Object.assign(new Error(`TtsClient: session closed (${event.code}${why}) before connecting`), event));
      });
    });
    this.open('connecting');
    return connected;
  }

  /**
   * Queues text. Calls in the same task are joined into one Speak frame, sent in a microtask (no added
   * latency): streaming an LLM's tokens one `speak()` each stays within the gateway's message rate.
   * After an idle timeout this opens a new session first (config, then the text). An empty text is no
   * message at all (the gateway refuses an empty Speak; an LLM stream's first delta often is one).
   */
  speak(text: string): void {
    if (text === '') {
      if (!this.resting) this.assertSendable();
      return;
    }
    if (this.resting) this.resume();
    this.assertSendable();
    const last = this.outbox[this.outbox.length - 1];
    if (last?.type === 'Speak' && last.text.length + text.length <= MAX_COALESCED_SPEAK_CHARS) last.text += text;
    else this.outbox.push({ type: 'Speak', text });
    this.scheduleDrain();
  }

  flush(): void {
    if (this.resting) return; // no session, so nothing spoken to flush
    this.assertSendable();
    this.outbox.push({ type: 'Flush' });
    this.drain();
  }

  /**
   * Barge-in, in any state (it never throws): attached players go quiet at once (`interrupt`). On a live session
   * `Clear` goes to the gateway, which drops queued text and audio; audio still in flight is dropped here until
   * `Cleared`. Text spoken since the last `flush()` and not sent yet is dropped here (the Clear would drop it).
   * After `close()`/`disconnect()` the gateway takes no more messages (a graceful Close still delivers
   * the queued speech), so no Clear is sent: text not sent yet is dropped (the Close still goes), and the
   * audio still arriving on that connection is dropped here instead. Waiting to reconnect after `close()`
   * with nothing left to deliver, the client then ends at once, as `disconnect()` does.
   */
  clear(): void {
    if (this.takesMessages()) {
      while (this.outbox[this.outbox.length - 1]?.type === 'Speak') this.outbox.pop();
      this.outbox.push({ type: 'Clear' });
      this.drain();
      this.clears.sent();
    } else {
      // Closing: what is still queued is speech the user just stopped; only the Close is left to send.
      this.outbox = this.outbox.filter((message) => message.type === 'Close');
      if (this.socket) this.clears.dropRest();
    }
    this.emit('interrupt', undefined);
    if (!this.socket && this.currentState === 'closing') this.disconnect();
  }

  /**
   * Graceful end: queued audio is still delivered, then the final usage status, then close 1000. While
   * (re)connecting, text already queued is sent first once the socket opens, then the Close.
   */
  close(): Promise<TtsCloseEvent> {
    if (this.currentState === 'idle' || this.currentState === 'closed') {
      this.stopResting();
      return Promise.resolve({ code: 1000, reason: 'not connected', willReconnect: false });
    }
    const closed = new Promise<TtsCloseEvent>((resolve) => this.once('close', resolve));
    if (this.currentState === 'closing') return closed;
    if (!this.socket && this.outbox.length === 0) {
      // Reconnecting, waiting for the next attempt, with nothing to deliver.
      this.disconnect();
      return closed;
    }
    // Otherwise the socket (or the pending reconnect attempt) sends the queue, then Close.
    this.closeRequested = true;
    this.outbox.push({ type: 'Close' });
    this.setState('closing');
    this.drain();
    return closed;
  }

  /** Immediate end without waiting for queued audio: state `closed` at once, nothing more arrives. */
  disconnect(): void {
    this.closeRequested = true;
    clearTimeout(this.retryTimer);
    this.outbox = [];
    this.stopResting();
    const socket = this.socket;
    if (socket) {
      // Detached first: its late messages and close are not this client's any more, so connect() works now.
      this.socket = null;
      this.clears.reset();
      // No-ops rather than null: `ws` throws an 'error' nobody listens to (a socket closed while connecting).
      const ignore = () => undefined;
      socket.onopen = ignore;
      socket.onmessage = ignore;
      socket.onerror = ignore;
      socket.onclose = ignore;
      socket.close(1000);
    }
    if (socket || this.currentState === 'reconnecting' || this.currentState === 'closing') {
      this.setState('closed');
      this.emit('close', { code: 1000, reason: 'disconnected', willReconnect: false });
    }
  }

  /** A session is open or being (re)opened, and no close was asked for: what is sent now reaches the gateway. */
  private takesMessages(): boolean {
    const state = this.currentState;
    return !this.closeRequested && (state === 'connecting' || state === 'open' || state === 'reconnecting');
  }

  private assertSendable(): void {
    if (this.currentState === 'closed' || this.currentState === 'idle' || this.currentState === 'closing') {
      throw new Error(`TtsClient: cannot send while ${this.currentState}`);
    }
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    queueMicrotask(() => {
      this.drainScheduled = false;
      this.drain();
    });
  }

  /** Sends the queue if the socket is open; else it waits for the socket's open. */
  private drain(): void {
    const socket = this.socket;
    if (socket?.readyState !== WEBSOCKET_OPEN) return;
    const frames = this.outbox.splice(0);
    for (const message of frames) socket.send(JSON.stringify(message));
  }

  private resume(): void {
    this.resting = false;
    this.closeRequested = false;
    this.attempt = 0;
    this.open('connecting');
  }

  private stopResting(): void {
    if (!this.resting) return;
    this.resting = false;
    this.setState('closed');
  }

  private open(state: 'connecting' | 'reconnecting'): void {
    // A close() while waiting to reconnect: this attempt delivers the queue, then Close.
    this.setState(this.closeRequested ? 'closing' : state);
    let socket: WebSocketLike;
    let url: string | undefined;
    try {
      const Socket = this.options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
      if (!Socket) throw new Error('no WebSocket implementation; pass one as options.WebSocket');
      url = streamUrl(this.options);
      socket = new Socket(url);
    } catch (error) {
      return this.failedToOpen(error, url);
    }
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    this.clears.reset();
    socket.onopen = () => {
      // The gateway opens the upstream (and says "connected") only on the first message: always send one.
      socket.send(JSON.stringify(this.options.config ?? {}));
      this.drain();
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onerror = () => this.emit('error', { code: 'connection_error', message: 'WebSocket connection error' });
    socket.onclose = (event) => this.closed(socket, event.code, event.reason);
  }

  /**
   * No socket could be made (a URL without a ws/wss/http/https scheme, no WebSocket implementation, a
   * constructor that throws): retrying would fail the same way, so the client ends (`closed`).
   */
  private failedToOpen(error: unknown, url?: string): void {
    let cause = error instanceof Error ? error.message : String(error);
    // A constructor may quote the URL it refused, and the URL carries the client's token: apps forward
    // error events to their telemetry, so neither goes into the message.
    if (url) cause = cause.split(url).join('<stream url>');
    if (this.options.token) cause = cause.split(this.options.token).join('<token>');
    const reason = `cannot open a WebSocket: ${cause.replace(/^TtsClient: /, '')}`;
    this.outbox = [];
    this.setState('closed');
    this.emit('error', { code: 'connection_error', message: `TtsClient: ${reason}` } satisfies TtsError);
    this.emit('close', { code: 1006, reason, willReconnect: false });
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') {
      // Tag check rather than instanceof: the buffer may come from another realm (Node's `ws`, iframes).
      if (!this.clears.holding && Object.prototype.toString.call(data) === '[object ArrayBuffer]') {
        this.emit('audio', { data: data as ArrayBuffer, format: this.format });
      }
      return;
    }
    let message: ServerMessage;
    try {
      message = JSON.parse(data) as ServerMessage;
    } catch {
      return;
    }
    this.dispatch(message);
  }

  private dispatch(message: ServerMessage): void {
    switch (message.type) {
      case 'status':
        if (message.message === CONNECTED_MESSAGE) this.connected(message);
        this.emit('status', message);
        return;
      case 'Metadata':
        return this.emit('metadata', message);
      case 'Flushed':
        return this.emit('flushed', message);
      case 'Cleared':
        this.clears.answered();
        return this.emit('cleared', message);
      case 'Warning':
        return this.emit('warning', message);
      case 'error': {
        if (message.code !== ErrorCode.RateLimited) {
          return this.emit('error', { code: message.code, message: message.message } satisfies TtsError);
        }
        // The code says which frame this is (ErrorFrame's wider code type keeps TS from narrowing it).
        const { dropped, dropped_clears } = message as RateLimitedFrame;
        // A rate-limited Clear gets no Cleared: this notice is then its only answer.
        this.clears.rateLimited(dropped, dropped_clears);
        return this.emit('error', { code: message.code, message: message.message, dropped });
      }
    }
  }

  private connected(status: ConnectedStatus): void {
    this.attempt = 0;
    this.format = confirmedFormat(status);
    if (!this.closeRequested) this.setState('open');
  }

  private closed(socket: WebSocketLike, code: number, reason: string): void {
    if (socket !== this.socket) return;
    this.socket = null;
    this.clears.reset();
    // Nobody spoke for the gateway's idle limit: reopening now would only idle out again.
    if (code === CloseCode.IdleTimeout && !this.closeRequested && this.backoff !== null) {
      this.outbox = [];
      this.resting = true;
      this.setState('idle');
      this.emit('close', { code, reason, willReconnect: false });
      return;
    }
    const retry =
      !this.closeRequested && this.backoff !== null && isReconnectable(code) && this.attempt < this.backoff.maxAttempts;
    if (!retry) {
      this.outbox = [];
      this.setState('closed');
      this.emit('close', { code, reason, willReconnect: false });
      return;
    }
    const delay = backoffDelay(this.attempt++, this.backoff!);
    this.setState('reconnecting');
    this.emit('close', { code, reason, willReconnect: true, reconnectInMs: delay });
    this.retryTimer = setTimeout(() => this.open('reconnecting'), delay);
  }

  private setState(state: ConnectionState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.emit('state', state);
  }
}
