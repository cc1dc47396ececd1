import { GatewayEnv } from '@tts/config';

/** Past the drain deadline, how long terminated sessions get to close and hand off their final usage. */
export const FINAL_USAGE_GRACE_MS = 5000;

export class DrainSettings {
  constructor(
    readonly timeoutMs: number,
    readonly finalUsageGraceMs = FINAL_USAGE_GRACE_MS,
  ) {}

  static fromEnv(env: Pick<GatewayEnv, 'DRAIN_TIMEOUT_MS'>): DrainSettings {
    return new DrainSettings(env.DRAIN_TIMEOUT_MS);
  }
}
