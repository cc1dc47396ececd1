/**
 * An event handler property, checked like a method (bivariantly): an implementation's handler typed
 * with its own, richer event (`ws`'s `Event`, `MessageEvent`, `CloseEvent`) still fits.
 */
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

/** What the client needs of a WebSocket: the browser's global, `ws` in Node, or undici's. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<{ code: number; reason: string }> | null;
  onerror: Handler<unknown> | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** `readyState` of an open socket, the same in every implementation. */
export const WEBSOCKET_OPEN = 1;
