import { Writable } from 'node:stream';

/**
 * Frames written to one socket within one tick of the event loop leave in one write(2) instead of one
 * each: the socket is corked before the tick's first write and uncorked as soon as the code running now
 * returns (`process.nextTick`), the batching Node's documentation gives for `writable.cork()`. Nothing
 * waits for a timer or for the network: the data is handed to the kernel before the event loop polls again.
 *
 * It pays where a session writes several frames at once (the `connected` status and Deepgram's Metadata,
 * a turn's last audio and `Flushed`, `closed` and the close frame; a Speak and its Flush upstream): on a
 * busy pod each write(2) costs more CPU than building the frame.
 *
 * `destroy()` drops what is still corked, and a closing session may be destroyed in the same tick (a
 * shutdown terminates every socket right after telling each client why): whoever closes calls `flush()`
 * first, so the last frames are with the kernel before the socket can go. `end()` flushes by itself.
 */
export class TickWrites {
  private corked = false;
  private readonly uncork = (): void => this.flush();

  constructor(
    private readonly socket: Writable,
    /** Runs after each flush, once the tick's frames are with the socket (a backpressure check). */
    private readonly afterFlush?: () => void,
  ) {}

  /** Call before writing to the socket: this tick's writes go out together, right after it. */
  hold(): void {
    if (this.corked || this.socket.destroyed) return;
    this.corked = true;
    this.socket.cork();
    process.nextTick(this.uncork);
  }

  /** Hands what this tick held to the kernel now (a no-op when nothing is held). */
  flush(): void {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
    this.afterFlush?.();
  }
}
