import { Inject, OnApplicationShutdown } from '@nestjs/common';
import { OnGatewayConnection, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { IncomingMessage } from 'http';
import WebSocket, { WebSocketServer as WsServer } from 'ws';
import { ErrorCode, TTS_STREAM_PATH } from '@tts/protocol';
import { ROOT_LOGGER, RootLogger } from '../logging/logging.module';
import { ActiveSessions } from '../session/active-sessions.service';
import { SessionHooks } from '../session/session-hooks.service';
import { UpstreamPool } from '../upstream/upstream-pool';
import { RelayDeps, RelaySession } from './relay-session';
import { RelaySettings } from './relay-settings';

/** The client endpoint: every upgrade on TTS_STREAM_PATH becomes a RelaySession. */
@WebSocketGateway({ path: TTS_STREAM_PATH })
export class RelayGateway implements OnGatewayConnection, OnApplicationShutdown {
  @WebSocketServer() server?: WsServer;
  private readonly deps: RelayDeps;

  constructor(
    settings: RelaySettings,
    hooks: SessionHooks,
    private readonly sessions: ActiveSessions,
    @Inject(ROOT_LOGGER) log: RootLogger,
    pool: UpstreamPool,
  ) {
    this.deps = { settings, hooks, sessions, log: log.child({ component: 'relay' }), pool };
  }

  handleConnection(client: WebSocket, request: IncomingMessage): void {
    new RelaySession(client, request, this.deps).start();
  }

  /** Ends every live session (drain deadline passed); returns how many. */
  terminateAll(code: ErrorCode = ErrorCode.ServerShutdown, message = 'the gateway is shutting down'): number {
    const all = this.sessions.all();
    for (const session of all) session.control.terminate(code, message);
    return all.length;
  }

  /** Nest waits for every socket before closing the server: drop the ones a drain left behind (stalled readers). */
  onApplicationShutdown(): void {
    for (const client of this.server?.clients ?? []) client.terminate();
  }
}
