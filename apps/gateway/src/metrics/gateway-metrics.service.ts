import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ActiveSessions } from '../session/active-sessions.service';
import { UPSTREAM_FAILURE_LABELS } from '../upstream/upstream-failure';
import { upstreamTlsHandshakes } from '../upstream/upstream-tls';

/** Flush to first audio: the emulator's default TTFB is 150 ms, Deepgram's is a few hundred; 2 s is already broken. */
export const FLUSH_LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2];

/** Held text waits up to a window (60 s) per 2,400 characters held. */
const TEXT_HELD_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 20, 30, 45, 60, 90, 120, 300];

/**
 * The gateway's Prometheus metrics, in one registry per process (scraped at GET /metrics).
 * Labels are bounded enums only: never a session, company or connection id.
 */
@Injectable()
export class GatewayMetrics {
  readonly registry = new Registry();

  readonly flushToFirstAudio = new Histogram({
    name: 'tts_gateway_flush_to_first_audio_seconds',
    help: 'Time from a client Flush to the first audio byte of that flush sent to the client.',
    buckets: FLUSH_LATENCY_BUCKETS,
    registers: [this.registry],
  });

  /** Audio bytes not yet added to the counter: the relay's per-frame path only adds to a number. */
  private unscrapedAudioBytes = 0;

  readonly audioBytesRelayed = new Counter({
    name: 'tts_gateway_audio_bytes_relayed_total',
    help: 'Billable audio sample bytes delivered to clients (WAV headers excluded).',
    registers: [this.registry],
    collect: () => {
      this.audioBytesRelayed.inc(this.unscrapedAudioBytes);
      this.unscrapedAudioBytes = 0;
    },
  });

  readonly upstreamErrors = new Counter({
    name: 'tts_gateway_upstream_errors_total',
    help: 'Upstream (Deepgram) connections refused or dropped, by reason class.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  /** Text over Deepgram's 2,400 characters per minute waits in the gateway; this is how much, now. */
  readonly textHeldCharacters = new Gauge({
    name: 'tts_gateway_text_held_characters',
    help: "Characters of client text held by the gateway until the upstream connection's character limit allows them.",
    registers: [this.registry],
  });

  readonly textHeldSeconds = new Histogram({
    name: 'tts_gateway_text_held_seconds',
    help: 'Time a piece of text was held by the gateway before going upstream (only text that had to wait).',
    buckets: TEXT_HELD_BUCKETS,
    registers: [this.registry],
  });

  readonly sessionsStarted = new Counter({
    name: 'tts_gateway_sessions_started_total',
    help: 'Client sessions admitted and started on this gateway.',
    registers: [this.registry],
  });

  /** Incremented by the usage publisher for each usage event handed to the tts-usage queue. */
  readonly usageEventsPublished = new Counter({
    name: 'tts_gateway_usage_events_published_total',
    help: 'Usage events added to the tts-usage queue.',
    registers: [this.registry],
  });

  /** Incremented by the usage publisher per failed attempt; the events stay held in memory and are retried. */
  readonly usageEventsFailed = new Counter({
    name: 'tts_gateway_usage_events_failed_total',
    help: 'Failed attempts to add usage events to the tts-usage queue (the events are held and retried).',
    registers: [this.registry],
  });

  /** Set by the usage publisher: events waiting in memory for Redis (an outage grows it; new sessions are refused past a cap). */
  readonly usageEventsHeld = new Gauge({
    name: 'tts_gateway_usage_events_held',
    help: 'Usage events held in memory because the tts-usage queue has not accepted them yet.',
    registers: [this.registry],
  });

  readonly draining = new Gauge({
    name: 'tts_gateway_draining',
    help: '1 while this gateway is draining for shutdown (refusing new sessions), else 0.',
    registers: [this.registry],
  });

  constructor(sessions: ActiveSessions) {
    new Gauge({
      name: 'tts_gateway_active_sessions',
      help: 'Client sessions currently open on this gateway.',
      registers: [this.registry],
      collect() {
        this.set(sessions.size);
      },
    });
    new Counter({
      name: 'tts_gateway_upstream_tls_handshakes_total',
      help: 'TLS handshakes with the upstream (Deepgram over wss://): resumed a TLS session or full, and the key exchange group negotiated (X25519MLKEM768: hybrid post-quantum).',
      labelNames: ['resumed', 'group'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { resumed, group, count } of upstreamTlsHandshakes())
          this.inc({ resumed: String(resumed), group }, count);
      },
    });
    // Zero-initialised so dashboards and rate() see every class from the first scrape.
    for (const reason of UPSTREAM_FAILURE_LABELS) this.upstreamErrors.inc({ reason }, 0);
    this.draining.set(0);
    collectDefaultMetrics({ register: this.registry });
  }

  /** Called for every audio frame sent to a client. */
  addAudioBytes(bytes: number): void {
    this.unscrapedAudioBytes += bytes;
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
