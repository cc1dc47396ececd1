import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { connect } from 'net';
import { CachedProbe, ProbeResult } from './cached-probe';

/** Probes run every few seconds per pod; the result is reused so many probes cost one connect. */
export const UPSTREAM_CHECK_TTL_MS = 5000;
/** A failure is re-checked sooner, so a pod that booted before its upstream turns ready quickly. */
export const UPSTREAM_FAILURE_TTL_MS = 1000;
export const UPSTREAM_CONNECT_TIMEOUT_MS = 2000;

export class UpstreamTarget {
  constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  static fromUrl(url: string): UpstreamTarget {
    const parsed = new URL(url);
    const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'wss:' ? 443 : 80;
    return new UpstreamTarget(parsed.hostname.replace(/^\[|\]$/g, ''), port);
  }
}

/**
 * Readiness: the upstream's host accepts a TCP connection (cheap, so checked every few seconds; the
 * key itself is checked, more rarely, by UpstreamKeyHealthIndicator).
 */
@Injectable()
export class UpstreamHealthIndicator {
  private readonly reachability = new CachedProbe(() => this.probe());

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly target: UpstreamTarget,
  ) {}

  async check(key: string) {
    const indicator = this.indicators.check(key);
    const result = await this.reachability.result();
    return result.ok ? indicator.up(result.detail) : indicator.down(result.detail);
  }

  private probe(): Promise<ProbeResult> {
    const { host, port } = this.target;
    const started = Date.now();
    return new Promise((resolve) => {
      const socket = connect({ host, port, timeout: UPSTREAM_CONNECT_TIMEOUT_MS });
      const done = (ok: boolean, message?: string) => {
        socket.destroy();
        const detail = {
          host: `${host}:${port}`,
          ...(ok ? { connect_ms: Date.now() - started } : { message: message! }),
        };
        resolve({ ok, detail, ttlMs: ok ? UPSTREAM_CHECK_TTL_MS : UPSTREAM_FAILURE_TTL_MS });
      };
      socket.once('connect', () => done(true));
      socket.once('timeout', () => done(false, `no TCP connect within ${UPSTREAM_CONNECT_TIMEOUT_MS} ms`));
      socket.once('error', (error: NodeJS.ErrnoException) => done(false, error.code ?? error.message));
    });
  }
}
