import { GatewayEnv } from '@tts/config';
import { ConfigSlice } from '../config-slice';

/** The pool's slice of the gateway config. */
export class UpstreamPoolSettings extends ConfigSlice<UpstreamPoolSettings> {
  /** Warm connections per configuration; 0 turns the pool off. */
  readonly size!: number;
  /** Warm connections per configuration while sessions arrive fast (PoolDemand); `size` keeps the pool fixed. */
  readonly maxSize!: number;
  /** Configurations kept warm: the most recently used. */
  readonly configs!: number;
  /** A connection waits in the pool at most this long, then it is closed and replaced. */
  readonly maxIdleMs!: number;
  readonly connectTimeoutMs!: number;

  static fromEnv(env: GatewayEnv): UpstreamPoolSettings {
    return new UpstreamPoolSettings({
      size: env.UPSTREAM_POOL_SIZE,
      // Never below the size (checked at boot); a pool that is off stays off.
      maxSize: env.UPSTREAM_POOL_SIZE === 0 ? 0 : (env.UPSTREAM_POOL_MAX_SIZE ?? env.UPSTREAM_POOL_SIZE),
      configs: env.UPSTREAM_POOL_CONFIGS,
      // Never handed out older than the relay's own rotation age.
      maxIdleMs: Math.min(env.UPSTREAM_POOL_MAX_IDLE_MS, env.UPSTREAM_MAX_AGE_MS),
      connectTimeoutMs: env.UPSTREAM_CONNECT_TIMEOUT_MS,
    });
  }
}
