import { hostname } from 'os';
import { GatewayEnv, Upstream, resolveUpstream } from '@tts/config';
import { UPSTREAM_CHARS_PER_WINDOW, UPSTREAM_FLUSH_LIMIT } from '@tts/protocol';
import { ConfigSlice } from '../config-slice';
import { UpstreamPace } from './owed-speech';

/** Deepgram counts text and Flushes when they arrive, some time after we write them: a second of margin. */
export const UPSTREAM_WINDOW_MARGIN_MS = 1000;

/** The slice of the gateway config the relay reads, resolved once at boot. */
export class RelaySettings extends ConfigSlice<RelaySettings> {
  readonly upstream!: Upstream;
  readonly gatewayId!: string;
  readonly maxFrameBytes!: number;
  readonly messagesPerSecond!: number;
  readonly messageBurst!: number;
  readonly maxQueuedTextChars!: number;
  readonly idleTimeoutMs!: number;
  readonly bufferHighBytes!: number;
  readonly bufferLowBytes!: number;
  readonly slowClientTimeoutMs!: number;
  readonly upstreamConnectTimeoutMs!: number;
  readonly upstreamMaxAgeMs!: number;
  readonly pace!: UpstreamPace;

  static fromEnv(env: GatewayEnv): RelaySettings {
    return new RelaySettings({
      upstream: resolveUpstream(env),
      gatewayId: env.GATEWAY_ID ?? `${hostname()}:${process.pid}`,
      maxFrameBytes: env.CLIENT_MAX_FRAME_BYTES,
      messagesPerSecond: env.CLIENT_MESSAGES_PER_SECOND,
      messageBurst: env.CLIENT_MESSAGE_BURST,
      maxQueuedTextChars: env.MAX_QUEUED_TEXT_CHARS,
      idleTimeoutMs: env.IDLE_TIMEOUT_MS,
      bufferHighBytes: env.CLIENT_BUFFER_HIGH_BYTES,
      bufferLowBytes: env.CLIENT_BUFFER_LOW_BYTES, // under the high mark: the config refuses anything else
      slowClientTimeoutMs: env.CLIENT_SLOW_TIMEOUT_MS,
      upstreamConnectTimeoutMs: env.UPSTREAM_CONNECT_TIMEOUT_MS,
      upstreamMaxAgeMs: env.UPSTREAM_MAX_AGE_MS,
      pace: {
        textLimit: UPSTREAM_CHARS_PER_WINDOW,
        textWindowMs: env.UPSTREAM_TEXT_WINDOW_MS + UPSTREAM_WINDOW_MARGIN_MS,
        flushLimit: UPSTREAM_FLUSH_LIMIT,
        flushWindowMs: env.UPSTREAM_FLUSH_WINDOW_MS + UPSTREAM_WINDOW_MARGIN_MS,
      },
    });
  }
}
