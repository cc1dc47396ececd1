import { GatewayEnv } from '@tts/config';

export type AuthEnv = Pick<
  GatewayEnv,
  'AUTH_JWT_SECRET' | 'AUTH_DISABLED' | 'ALLOWED_ORIGINS' | 'AUTH_MAX_TOKEN_TTL_S'
>;

/** The slice of the gateway config that auth and origin checks read. */
export class AuthSettings {
  constructor(
    readonly secret: string | undefined,
    readonly disabled: boolean,
    readonly allowedOrigins: readonly string[],
    /** Longest client token lifetime accepted (exp - iat, or exp - now without iat). */
    readonly maxTokenTtlS: number,
  ) {}

  static fromEnv(env: AuthEnv): AuthSettings {
    return new AuthSettings(env.AUTH_JWT_SECRET, env.AUTH_DISABLED, env.ALLOWED_ORIGINS, env.AUTH_MAX_TOKEN_TTL_S);
  }
}
