import { GatewayEnv } from '@tts/config';

/** The slice of the gateway config that auth and origin checks read. */
export class AuthSettings {
  constructor(
    readonly secret: string | undefined,
    readonly disabled: boolean,
    readonly allowedOrigins: readonly string[],
  ) {}

  static fromEnv(env: Pick<GatewayEnv, 'AUTH_JWT_SECRET' | 'AUTH_DISABLED' | 'ALLOWED_ORIGINS'>): AuthSettings {
    return new AuthSettings(env.AUTH_JWT_SECRET, env.AUTH_DISABLED, env.ALLOWED_ORIGINS);
  }
}
