import { Injectable } from '@nestjs/common';
import { SessionObserver, SessionTap } from '../session/session-hooks';
import { GatewayMetrics } from './gateway-metrics.service';
import { upstreamFailureLabel } from '../upstream/upstream-failure';

/** Feeds every session's relay events into the process metrics: counter increments only, no I/O. */
@Injectable()
export class MetricsObserver implements SessionObserver {
  constructor(private readonly metrics: GatewayMetrics) {}

  onSessionStart(): SessionTap {
    const metrics = this.metrics;
    const { flushToFirstAudio, upstreamErrors, textHeldCharacters, textHeldSeconds } = metrics;
    metrics.sessionsStarted.inc();
    return {
      audioDelivered: (bytes) => metrics.addAudioBytes(bytes),
      textSent: () => undefined,
      flushLatency: (ms) => flushToFirstAudio.observe(ms / 1000),
      textHeld: (delta) => textHeldCharacters.inc(delta),
      textHeldFor: (ms) => textHeldSeconds.observe(ms / 1000),
      upstreamError: (failure) => upstreamErrors.inc({ reason: upstreamFailureLabel(failure) }),
      end: () => Promise.resolve(),
    };
  }
}
