import { Expose } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { DEEPGRAM_SPEAK_URL } from '@tts/protocol';
import { ConfigError } from './load-config';
import { UsageEnv } from './shared-env';
import { ToBoolean, ToList, ToNumber } from './transforms';

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
  @Matches(/^wss?:\/\//, { message: 'must be a ws:// or wss:// URL' })
  DEEPGRAM_URL?: string;

  @Expose()
  @IsOptional()
  @IsString()
  DEEPGRAM_API_KEY?: string;

  /** Required unless auth is explicitly disabled: the gateway refuses to boot without a way to authenticate. */
  @Expose()
  @ValidateIf((env: GatewayEnv) => !env.AUTH_DISABLED)
  @IsString({ message: 'AUTH_JWT_SECRET is required unless AUTH_DISABLED=true' })
  AUTH_JWT_SECRET?: string;

  @Expose()
  @ToBoolean()
  @IsBoolean()
  AUTH_DISABLED: boolean = false;

  @Expose()
  @ToList()
  @IsString({ each: true })
  ALLOWED_ORIGINS: string[] = [];

  @Expose()
  @ToNumber()
  @IsInt()
  @Min(1)
  MAX_SESSIONS_PER_COMPANY: number = 50;

  @Expose()
  @ToNumber()
  @IsInt()
  @Min(1000)
  IDLE_TIMEOUT_MS: number = 300_000;

  @Expose()
  @ToNumber()
  @IsInt()
  @Min(0)
  DRAIN_TIMEOUT_MS: number = 30_000;

  @Expose()
  @ToBoolean()
  @IsBoolean()
  DEMO_PAGE: boolean = false;
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
