import { UpstreamEnd, UpstreamListener } from './upstream-connection';

/** Text frames a pooled connection may receive before its session (Deepgram sends one Metadata). */
const MAX_EARLY_FRAMES = 4;

/** What the pool hears about a connection that is still waiting in it. */
export interface PoolEvents {
  pooledOpen(): void;
  pooledEnd(end: UpstreamEnd): void;
}

/**
 * The listener of a pooled connection: the pool's while it waits, the session's once handed over.
 * The session then sees what a fresh connection would show it: an open, then the frames Deepgram
 * sent on open (its Metadata), then everything else as it arrives.
 */
export class PooledListener implements UpstreamListener {
  private session?: UpstreamListener;
  private readonly early: string[] = [];

  constructor(private readonly pool: PoolEvents) {}

  /** From now on every event goes to `session`; the open and the early frames follow in a microtask. */
  handTo(connection: { announce(): boolean }, session: UpstreamListener): void {
    this.session = session;
    // Asynchronous like a fresh connection's open: the caller finishes setting the connection up first.
    queueMicrotask(() => {
      if (!connection.announce()) return;
      try {
        session.onUpstreamOpen();
        for (const raw of this.early.splice(0)) session.onUpstreamText(raw);
      } catch (error) {
        session.onRelayFault(error as Error);
      }
    });
  }

  onUpstreamOpen(): void {
    if (!this.session) this.pool.pooledOpen();
  }

  onUpstreamAudio(chunk: Buffer): void {
    // While pooled nothing was asked for, so there is no audio to keep.
    this.session?.onUpstreamAudio(chunk);
  }

  onUpstreamText(raw: string): void {
    if (this.session) this.session.onUpstreamText(raw);
    else if (this.early.length < MAX_EARLY_FRAMES) this.early.push(raw);
  }

  onUpstreamEnd(end: UpstreamEnd): void {
    if (this.session) this.session.onUpstreamEnd(end);
    else this.pool.pooledEnd(end);
  }

  onRelayFault(error: Error): void {
    this.session?.onRelayFault(error);
  }
}
