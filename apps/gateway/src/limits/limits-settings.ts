import { GatewayEnv } from '@tts/config';

export type LimitsEnv = Pick<
  GatewayEnv,
  'REDIS_URL' | 'MAX_SESSIONS_PER_COMPANY' | 'SESSION_LEASE_TTL_MS' | 'SESSION_LEASE_RENEW_MS'
>;

/** The slice of the gateway config that the concurrent-session limit reads. */
export class LimitsSettings {
  constructor(
    readonly maxSessionsPerCompany: number,
    readonly leaseTtlMs: number,
    readonly leaseRenewMs: number,
  ) {}

  static fromEnv(env: LimitsEnv): LimitsSettings {
    return new LimitsSettings(env.MAX_SESSIONS_PER_COMPANY, env.SESSION_LEASE_TTL_MS, env.SESSION_LEASE_RENEW_MS);
  }
}
