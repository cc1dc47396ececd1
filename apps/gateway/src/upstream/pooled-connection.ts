import { UpstreamConnection } from './upstream-connection';

/**
 * A connection opened by the pool. It reads as still connecting until its session has been told it
 * opened, so the session drives it exactly as a fresh one: nothing is paced onto it, and no reply
 * reaches the client, before the session's own open (its `connected` status comes first).
 */
export class PooledConnection extends UpstreamConnection {
  private announced = false;

  override get isOpen(): boolean {
    return this.announced && this.live;
  }

  /** The session is about to hear of the open; false if the socket is gone or closing meanwhile. */
  announce(): boolean {
    this.announced = true;
    return this.live;
  }
}
