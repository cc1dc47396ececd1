import WebSocket from 'ws';
import { CloseCode, ErrorCode, errorFrame } from '@tts/protocol';

const TOO_LARGE_FRAME = JSON.stringify(errorFrame(ErrorCode.MessageTooLarge, 'message exceeds the frame size limit'));

/**
 * The server-side client socket. ws enforces `maxPayload` itself by closing with 1009 before any
 * handler sees the frame; this subclass slips our `message_too_large` error frame in ahead of that close.
 */
export class RelaySocket extends WebSocket {
  override close(code?: number, data?: string | Buffer): void {
    if (code === CloseCode.MessageTooBig && this.readyState === WebSocket.OPEN) {
      this.send(TOO_LARGE_FRAME);
      return super.close(code, data ?? ErrorCode.MessageTooLarge);
    }
    super.close(code, data);
  }
}
