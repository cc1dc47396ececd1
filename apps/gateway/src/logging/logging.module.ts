import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino, { Logger } from 'pino';
import { GatewayEnv, REDACTED, REDACTED_HEADER_PATHS, isProbeOrScrape, requestSerializer } from '@tts/config';

/** The root pino logger, for the relay only: per-session child bindings on the hot path, without DI (providers inject PinoLogger). */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
export type RootLogger = Logger;

/**
 * Structured JSON logs (nestjs-pino) with credentials redacted: headers by path, query parameters by
 * (decoded) name, JWT-shaped text and this process's own secrets wherever they appear; never spoken text.
 */
@Module({})
export class LoggingModule {
  static forRoot(env: Pick<GatewayEnv, 'LOG_LEVEL' | 'DEEPGRAM_API_KEY' | 'AUTH_JWT_SECRET'>): DynamicModule {
    const secrets = [env.DEEPGRAM_API_KEY, env.AUTH_JWT_SECRET].filter((s): s is string => !!s);
    const logger = pino({
      level: env.LOG_LEVEL,
      base: { service: 'gateway' },
      redact: { paths: REDACTED_HEADER_PATHS, censor: REDACTED },
      serializers: { req: requestSerializer(secrets) },
    });
    return {
      module: LoggingModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger,
            serializers: { req: requestSerializer(secrets) },
            autoLogging: { ignore: isProbeOrScrape },
          },
        }),
      ],
      providers: [{ provide: ROOT_LOGGER, useValue: logger }],
      exports: [ROOT_LOGGER],
    };
  }
}
