import { Expose } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, IsString, Max, Min, ValidateIf } from 'class-validator';
import { LogEnv } from './shared-env';
import { MAX_TIMER_MS, ToNumber } from './transforms';

export class EmulatorEnv extends LogEnv {
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(65535)
  EMULATOR_PORT: number = 8090;

  /** Interface to listen on. */
  @Expose()
  @IsString()
  EMULATOR_HOST: string = '0.0.0.0';

  /** The one key accepted; unset: any non-empty key. */
  @Expose()
  @IsOptional()
  @IsString()
  EMULATOR_API_KEY?: string;

  @Expose()
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(MAX_TIMER_MS)
  EMULATOR_TTFB_MS: number = 150;

  /** 1 = real time, 2 = twice as fast, 0 = no pacing. */
  @Expose()
  @ToNumber()
  @IsNumber()
  @Min(0)
  EMULATOR_SPEED: number = 1;

  /** Delay before the emulator answers a websocket upgrade, like Deepgram's TLS and upgrade (benches: ~250). */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(MAX_TIMER_MS)
  EMULATOR_HANDSHAKE_DELAY_MS: number = 0;

  /** Open connections at once, like a Deepgram project's concurrency limit (HTTP 429 over it); 0: no limit. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(0)
  EMULATOR_MAX_CONNECTIONS: number = 0;

  /** PEM certificate file: serve https:// and wss:// (Deepgram is wss:// only) instead of http:// and ws://. */
  @Expose()
  @ValidateIf((env: EmulatorEnv) => env.EMULATOR_TLS_CERT_FILE !== undefined || env.EMULATOR_TLS_KEY_FILE !== undefined)
  @IsString({ message: 'EMULATOR_TLS_CERT_FILE and EMULATOR_TLS_KEY_FILE go together' })
  EMULATOR_TLS_CERT_FILE?: string;

  /** The PEM private key of EMULATOR_TLS_CERT_FILE. */
  @Expose()
  @ValidateIf((env: EmulatorEnv) => env.EMULATOR_TLS_CERT_FILE !== undefined || env.EMULATOR_TLS_KEY_FILE !== undefined)
  @IsString({ message: 'EMULATOR_TLS_CERT_FILE and EMULATOR_TLS_KEY_FILE go together' })
  EMULATOR_TLS_KEY_FILE?: string;
}
