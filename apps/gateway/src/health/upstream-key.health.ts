import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import WebSocket from 'ws';
import { Upstream } from '@tts/config';
import { isCertificateError, upstreamTransport } from '../upstream/upstream-tls';
import { CachedProbe, ProbeResult } from './cached-probe';

/** Injection token of the resolved upstream (URL and key). */
export const UPSTREAM = Symbol('UPSTREAM');

/** A key the upstream accepted is re-checked this rarely: the check takes a Deepgram concurrency slot. */
export const UPSTREAM_KEY_OK_TTL_MS = 300_000;
/** A refused key is re-checked this often (it only changes with a redeploy, but Deepgram may have erred). */
export const UPSTREAM_KEY_REFUSED_TTL_MS = 60_000;
/** An unanswered check (network, timeout) is retried soon; the TCP check reports the outage meanwhile. */
export const UPSTREAM_KEY_UNKNOWN_TTL_MS = 5_000;
const UPSTREAM_KEY_TIMEOUT_MS = 5_000;

/** The WebSocket handshake answers that mean "this key is not accepted". */
const REFUSING_STATUSES = new Set([401, 402, 403]);

/**
 * Readiness: the upstream accepts DEEPGRAM_API_KEY. One WebSocket handshake with the key, closed as
 * soon as it opens, before any text: Deepgram bills TTS by characters, so the check costs no money,
 * only one of the project's concurrent TTS connections for the handshake's duration, once every
 * UPSTREAM_KEY_OK_TTL_MS per pod (and only while something asks /health/ready).
 * A 401/402/403 makes the pod not ready, and so does a TLS certificate the pod does not accept; a 429 (busy)
 * or a network error does not count against the key.
 */
@Injectable()
export class UpstreamKeyHealthIndicator {
  private readonly keyCheck = new CachedProbe(() => this.handshake());

  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(UPSTREAM) private readonly upstream: Upstream,
  ) {}

  async check(key: string) {
    const indicator = this.indicators.check(key);
    const result = await this.keyCheck.result();
    return result.ok ? indicator.up(result.detail) : indicator.down(result.detail);
  }

  private handshake(): Promise<ProbeResult> {
    return new Promise((resolve) => {
      const socket = new WebSocket(this.upstream.url, {
        headers: { Authorization: `Token ${this.upstream.apiKey}` },
        handshakeTimeout: UPSTREAM_KEY_TIMEOUT_MS,
        ...upstreamTransport(this.upstream.url),
      });
      const done = (ok: boolean, ttlMs: number, detail: Record<string, string | number>) => {
        socket.removeAllListeners();
        socket.on('error', () => undefined);
        if (socket.readyState === WebSocket.OPEN) socket.close(1000);
        else socket.terminate();
        resolve({ ok, ttlMs, detail });
      };
      socket.once('open', () => done(true, UPSTREAM_KEY_OK_TTL_MS, { key: 'accepted' }));
      socket.once('unexpected-response', (_req, res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        if (REFUSING_STATUSES.has(status)) {
          done(false, UPSTREAM_KEY_REFUSED_TTL_MS, { key: 'refused', message: `upstream refused the key (${status})` });
        } else {
          // Busy (429) or failing (5xx): says nothing against the key.
          done(true, UPSTREAM_KEY_UNKNOWN_TTL_MS, { key: 'unverified', status });
        }
      });
      socket.once('error', (error: NodeJS.ErrnoException) => {
        if (isCertificateError(error)) {
          // Every session would fail the same way (a missing private CA, an intercepting proxy): not ready.
          const message = `upstream certificate not accepted (${error.code})`;
          done(false, UPSTREAM_KEY_UNKNOWN_TTL_MS, { key: 'unverified', message });
        } else {
          done(true, UPSTREAM_KEY_UNKNOWN_TTL_MS, { key: 'unverified', message: error.code ?? error.message });
        }
      });
    });
  }
}
