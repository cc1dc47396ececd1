import { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { RelaySocket } from './relay-socket';

/**
 * WsAdapter for the relay: server options from config (no compression, frame size limit, our socket
 * class, UTF-8 checked by the session), and no Nest message routing for gateways without
 * @SubscribeMessage handlers: the relay reads its own frames, so nothing parses them twice.
 */
export class RelayWsAdapter extends WsAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly maxPayload: number,
    private readonly log: Logger,
  ) {
    super(app);
  }

  override create(port: number, options?: Record<string, unknown> & { path?: string }): unknown {
    return super.create(port, {
      ...options,
      perMessageDeflate: false,
      maxPayload: this.maxPayload,
      // Invalid UTF-8 would make ws close with 1007; the session answers invalid_json instead.
      skipUTF8Validation: true,
      WebSocket: RelaySocket,
    });
  }

  override bindMessageHandlers(...args: Parameters<WsAdapter['bindMessageHandlers']>): void {
    const [, handlers] = args;
    if (handlers.length > 0) super.bindMessageHandlers(...args);
  }

  /** Socket errors (e.g. an oversized frame) are the session's to log; the default prints stack traces. */
  override bindErrorHandler(server: WebSocketServer): WebSocketServer {
    server.on('connection', (ws) => ws.on('error', () => {}));
    server.on('error', (err) => this.log.error({ err: err.message }, 'websocket server error'));
    return server;
  }
}
