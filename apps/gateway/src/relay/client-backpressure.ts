import WebSocket from 'ws';
import { RelaySettings } from './relay-settings';

export interface BackpressureTarget {
  pause(): void;
  resume(): void;
  /** The client stayed behind for too long. */
  tooSlow(): void;
}

/** The client's TCP socket: the upgrade request's `socket`, which ws writes the client's frames to. */
export interface Drainable {
  once(event: 'drain', listener: () => void): unknown;
  removeListener(event: 'drain', listener: () => void): unknown;
}

/**
 * Watches one client's send buffer: over the high-water mark the upstream is paused (Deepgram's
 * audio waits in TCP buffers instead of our memory), under the low-water mark it resumes.
 */
export class ClientBackpressure {
  private paused = false;
  private slowTimer?: NodeJS.Timeout;

  constructor(
    private readonly client: WebSocket,
    /** 'drain' on it is the signal that the client caught up (ws itself emits none). */
    private readonly socket: Drainable,
    private readonly settings: RelaySettings,
    private readonly target: BackpressureTarget,
  ) {}

  /** Call once sends have reached the socket (after the tick that wrote them, see TickWrites). */
  check(): void {
    if (this.paused || this.client.bufferedAmount <= this.settings.bufferHighBytes) return;
    this.paused = true;
    this.target.pause();
    this.slowTimer = setTimeout(() => this.target.tooSlow(), this.settings.slowClientTimeoutMs);
    this.socket.once('drain', this.onDrain);
  }

  stop(): void {
    clearTimeout(this.slowTimer);
    this.socket.removeListener('drain', this.onDrain);
  }

  private readonly onDrain = (): void => {
    if (this.client.readyState !== WebSocket.OPEN) return;
    if (this.client.bufferedAmount > this.settings.bufferLowBytes) {
      this.socket.once('drain', this.onDrain);
      return;
    }
    clearTimeout(this.slowTimer);
    this.paused = false;
    this.target.resume();
  };
}
