import { Expose } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  NotContains,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import { DEEPGRAM_SPEAK_URL, GATEWAY_ID_MAX_LENGTH } from '@tts/protocol';
import { ConfigError } from './load-config';
import { UsageEnv } from './shared-env';
import { IsOriginList, IsServiceUrl, MAX_TIMER_MS, ToBoolean, ToNumber } from './transforms';

/** CLIENT_BUFFER_LOW_BYTES under the high mark: at or above it a paused upstream would resume while still over it. */
function BelowHighWaterMark() {
  return ValidateBy({
    name: 'belowHighWaterMark',
    validator: {
      validate: (value, args) =>
        typeof value === 'number' && value < (args?.object as GatewayEnv).CLIENT_BUFFER_HIGH_BYTES,
      defaultMessage: () => 'must be under CLIENT_BUFFER_HIGH_BYTES (resume below the mark that paused)',
    },
  });
}

/** SESSION_LEASE_RENEW_MS under half the lease's lifetime: otherwise one late or failed renewal lets live sessions' leases lapse. */
function RenewsWithinLease() {
  return ValidateBy({
    name: 'renewsWithinLease',
    validator: {
      validate: (value, args) =>
        typeof value === 'number' && 2 * value < (args?.object as GatewayEnv).SESSION_LEASE_TTL_MS,
      defaultMessage: () => 'must be under half of SESSION_LEASE_TTL_MS, so that a lease outlives one failed renewal',
    },
  });
}

/** UPSTREAM_POOL_MAX_SIZE at least the pool's size: the pool grows from its size up to its maximum. */
function NotBelowPoolSize() {
  return ValidateBy({
    name: 'notBelowPoolSize',
    validator: {
      validate: (value, args) => typeof value === 'number' && value >= (args?.object as GatewayEnv).UPSTREAM_POOL_SIZE,
      defaultMessage: () =>
        'must be at least UPSTREAM_POOL_SIZE (the pool grows from its size up to this maximum); unset it for a pool that never grows',
    },
  });
}

export const LOCAL_EMULATOR_URL = 'ws://127.0.0.1:8090/v1/speak';

export class GatewayEnv extends UsageEnv {
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(65535)
  GATEWAY_PORT: number = 8080;

  /** Defaults to the local emulator when no key is set, to Deepgram otherwise (see gatewayConfig). */
  @Expose()
  @IsOptional()
  @IsString()
  @IsServiceUrl(['ws:', 'wss:'], 'wss://api.deepgram.com/v1/speak')
  DEEPGRAM_URL?: string;

  @Expose()
  @IsOptional()
  @IsString()
  DEEPGRAM_API_KEY?: string;

  /** Required unless auth is explicitly disabled: the gateway refuses to boot without a way to authenticate. */
  @Expose()
  @ValidateIf((env: GatewayEnv) => !env.AUTH_DISABLED)
  @IsString({ message: 'AUTH_JWT_SECRET is required unless AUTH_DISABLED=true' })
  // HS256 wants a key of at least 256 bits (RFC 7518 3.2): a short or placeholder secret can be guessed.
  @MinLength(32, { message: 'must be at least 32 characters (e.g. openssl rand -hex 32)' })
  AUTH_JWT_SECRET?: string;

  @Expose()
  @ToBoolean()
  @IsBoolean()
  AUTH_DISABLED: boolean = false;

  /** Longest client token lifetime accepted (exp - iat, or exp - now without iat); longer ones are refused 4401. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(60)
  AUTH_MAX_TOKEN_TTL_S: number = 86_400;

  /** Browser origins (scheme://host[:port]); a malformed entry fails at boot rather than as runtime 4403s. */
  @Expose()
  @IsOriginList()
  ALLOWED_ORIGINS: string[] = [];

  @Expose()
  @ToNumber()
  @IsInt()
  @Min(1)
  MAX_SESSIONS_PER_COMPANY: number = 50;

  /** How long a session's concurrency lease outlives its last renewal: a crashed pod's sessions free up within this. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(1000)
  @Max(MAX_TIMER_MS)
  SESSION_LEASE_TTL_MS: number = 6000;

  /** How often a live session renews its lease: under half of SESSION_LEASE_TTL_MS, so a lease outlives one failed renewal. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(100)
  @RenewsWithinLease()
  @Max(MAX_TIMER_MS)
  SESSION_LEASE_RENEW_MS: number = 2000;

  @Expose()
  @ToNumber()
  @IsInt()
  @Min(1000)
  @Max(MAX_TIMER_MS)
  IDLE_TIMEOUT_MS: number = 300_000;

  @Expose()
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(MAX_TIMER_MS)
  DRAIN_TIMEOUT_MS: number = 30_000;

  @Expose()
  @ToBoolean()
  @IsBoolean()
  DEMO_PAGE: boolean = false;

  /** Billing's price, as text; the gateway only shows it (the demo page's cost per utterance). Set it as for billing. */
  @Expose()
  @IsString()
  @Matches(/^\d{1,9}(\.\d{1,6})?$/, {
    message: 'must be a non-negative decimal with at most 6 decimals, e.g. 1 or 0.5',
  })
  CREDITS_PER_MINUTE: string = '1';

  /** This process's id in usage events and logs; defaults to host:pid. Billing stores at most 200 characters. */
  @Expose()
  @IsOptional()
  @IsString()
  @MaxLength(GATEWAY_ID_MAX_LENGTH)
  @NotContains('\u0000', { message: 'must not contain NUL' })
  GATEWAY_ID?: string;

  /** Largest client text frame; bigger ones end the session with message_too_large (1009). */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(1024)
  CLIENT_MAX_FRAME_BYTES: number = 65_536;

  /** Client messages per second per connection (token bucket refill); over it: rate_limited, message dropped. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(1)
  CLIENT_MESSAGES_PER_SECOND: number = 50;

  /** Token bucket size: how many messages a client may send in one burst. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(1)
  CLIENT_MESSAGE_BURST: number = 100;

  /** Characters a session may queue without a Flush; a Speak beyond it is refused with rate_limited. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(2000)
  MAX_QUEUED_TEXT_CHARS: number = 20_000;

  /**
   * Client send buffer above which the session's upstream is paused (slow reader). At least 64 KiB, the
   * client socket's own high-water mark (Node.js 22 and later; 16 KiB on 20): the upstream resumes on the
   * socket's 'drain', which Node emits only once a write has filled the socket to that mark, so a pause
   * below it could wait for a 'drain' that never comes and drop a client that keeps up.
   */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(65_536)
  CLIENT_BUFFER_HIGH_BYTES: number = 1_048_576;

  /** Client send buffer under which a paused upstream resumes. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(0)
  @BelowHighWaterMark()
  CLIENT_BUFFER_LOW_BYTES: number = 262_144;

  /** A client that keeps its upstream paused this long is disconnected (1008 'client too slow'). */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(100)
  @Max(MAX_TIMER_MS)
  CLIENT_SLOW_TIMEOUT_MS: number = 30_000;

  /** Time allowed for the upstream handshake before the session fails with upstream_error. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(100)
  @Max(MAX_TIMER_MS)
  UPSTREAM_CONNECT_TIMEOUT_MS: number = 10_000;

  /** An upstream older than this is replaced at its next quiet moment, before Deepgram's 60-minute limit cuts it. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(100)
  @Max(MAX_TIMER_MS)
  UPSTREAM_MAX_AGE_MS: number = 3_300_000;

  /**
   * The sliding window of Deepgram's per-connection character limit (2,400 Speak characters per 60 s).
   * Text beyond it is held by the gateway. Only tests against a faster emulator change it.
   */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(100)
  @Max(MAX_TIMER_MS)
  UPSTREAM_TEXT_WINDOW_MS: number = 60_000;

  /** The sliding window of Deepgram's Flush limit (20 per 60 s). Only tests against a faster emulator change it. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(100)
  @Max(MAX_TIMER_MS)
  UPSTREAM_FLUSH_WINDOW_MS: number = 60_000;

  /** Warm upstream connections kept per configuration in use (pooled sockets count against Deepgram's concurrency); 0: no pool. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(50)
  UPSTREAM_POOL_SIZE: number = 2;

  /**
   * How far the pool may grow per configuration while sessions arrive faster than UPSTREAM_POOL_SIZE
   * connections can be replaced (it covers twice the sessions arriving during one handshake). Unset: the
   * pool stays at UPSTREAM_POOL_SIZE.
   */
  @Expose()
  @ToNumber()
  @IsOptional()
  @IsInt()
  @Max(200)
  @NotBelowPoolSize()
  UPSTREAM_POOL_MAX_SIZE?: number;

  /** How many configurations (model, encoding, sample_rate, speed) are kept warm: the most recently used. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(20)
  UPSTREAM_POOL_CONFIGS: number = 2;

  /** A pooled connection unused this long is closed and replaced, before Deepgram's idle close; 1 s at least (no reconnect churn). */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(1000)
  @Max(MAX_TIMER_MS)
  UPSTREAM_POOL_MAX_IDLE_MS: number = 20_000;
}

/** Key the gateway presents to the local emulator when no DEEPGRAM_API_KEY is set (it accepts any non-empty key). */
export const LOCAL_EMULATOR_KEY = 'local-emulator';

export interface Upstream {
  url: string;
  apiKey: string;
}

/** The upstream actually used: Deepgram with a key, the local emulator without one. */
export function resolveUpstream(env: Pick<GatewayEnv, 'DEEPGRAM_URL' | 'DEEPGRAM_API_KEY'>): Upstream {
  const url = env.DEEPGRAM_URL ?? (env.DEEPGRAM_API_KEY ? DEEPGRAM_SPEAK_URL : LOCAL_EMULATOR_URL);
  if (!env.DEEPGRAM_API_KEY && new URL(url).hostname.endsWith('deepgram.com')) {
    throw new ConfigError(['DEEPGRAM_API_KEY: required when DEEPGRAM_URL points to Deepgram']);
  }
  return { url, apiKey: env.DEEPGRAM_API_KEY ?? LOCAL_EMULATOR_KEY };
}

/**
 * Where a real DEEPGRAM_API_KEY would go other than Deepgram over TLS, in words for a boot warning: a
 * plain ws:// URL (the key crosses the network in clear) or a host that is not Deepgram's (an emulator
 * left in DEEPGRAM_URL, or a self-hosted Deepgram). None without a key: the emulator gets a dummy one.
 */
export function upstreamKeyWarnings(env: Pick<GatewayEnv, 'DEEPGRAM_URL' | 'DEEPGRAM_API_KEY'>): string[] {
  if (!env.DEEPGRAM_API_KEY) return [];
  const url = new URL(resolveUpstream(env).url);
  const warnings: string[] = [];
  if (url.protocol !== 'wss:') {
    warnings.push(`DEEPGRAM_API_KEY is sent unencrypted (${url.protocol}//) to ${url.host}: use a wss:// DEEPGRAM_URL`);
  }
  if (url.hostname !== 'deepgram.com' && !url.hostname.endsWith('.deepgram.com')) {
    warnings.push(
      `DEEPGRAM_API_KEY is sent to ${url.host}, which is not Deepgram (an emulator or a self-hosted Deepgram?): for Deepgram set DEEPGRAM_URL=${DEEPGRAM_SPEAK_URL}`,
    );
  }
  return warnings;
}
