import { BeforeApplicationShutdown, Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { ErrorCode } from '@tts/protocol';
import { GatewayMetrics } from '../metrics/gateway-metrics.service';
import { ActiveSessions } from '../session/active-sessions.service';
import { DrainSettings } from './drain-settings';
import { DrainState } from './drain-state';

const POLL_MS = 50;

/**
 * Graceful shutdown (SYSTEM.md, Operating it). On SIGTERM Nest calls onModuleDestroy first: readiness
 * turns false and new sessions are refused at once. Then beforeApplicationShutdown (before the
 * HTTP/WebSocket server, queues and Redis clients close) waits for active sessions to finish, up to
 * DRAIN_TIMEOUT_MS; the rest end with `server_shutdown` (1001). Ending sessions hand their final usage
 * event to the usage publisher, whose onApplicationShutdown (after this hook) publishes what is still held.
 */
@Injectable()
export class GatewayDrain implements OnModuleDestroy, BeforeApplicationShutdown {
  private drained: Promise<void> | undefined;

  constructor(
    private readonly state: DrainState,
    private readonly sessions: ActiveSessions,
    private readonly settings: DrainSettings,
    private readonly logger: PinoLogger,
    @Optional() private readonly metrics?: GatewayMetrics,
  ) {
    logger.setContext(GatewayDrain.name);
  }

  onModuleDestroy(): void {
    this.begin();
  }

  beforeApplicationShutdown(signal?: string): Promise<void> {
    this.drained ??= this.drain(signal);
    return this.drained;
  }

  private begin(): void {
    if (this.state.draining) return;
    this.state.begin();
    this.sessions.close();
    this.metrics?.draining.set(1);
    this.logger.info({ activeSessions: this.sessions.size, drainTimeoutMs: this.settings.timeoutMs }, 'drain started');
  }

  private async drain(signal?: string): Promise<void> {
    this.begin();
    const started = Date.now();
    const finished = await this.waitForSessions(this.settings.timeoutMs);
    if (!finished) {
      const remaining = this.sessions.all();
      this.logger.warn({ activeSessions: remaining.length }, 'drain deadline passed, ending remaining sessions');
      for (const { control } of remaining) control.terminate(ErrorCode.ServerShutdown, 'the server is shutting down');
      if (!(await this.waitForSessions(this.settings.finalUsageGraceMs))) {
        this.logger.error({ activeSessions: this.sessions.size }, 'sessions still open after the final usage grace');
      }
    }
    this.logger.info({ signal, drainMs: Date.now() - started, forced: !finished }, 'drain finished');
  }

  /** True when no session is left within `ms`, nor a connection still being admitted (it may yet become one). */
  private async waitForSessions(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    const busy = () => this.sessions.size > 0 || this.sessions.admitting > 0;
    while (busy() && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(1, deadline - Date.now()))));
    }
    return !busy();
  }
}
