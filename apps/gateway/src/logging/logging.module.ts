import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino, { Logger } from 'pino';
import { REDACTED_PATHS, redactUrl } from './log-redaction';

/** The process's root pino logger, for code that logs outside a request (the relay's sessions). */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
export type RootLogger = Logger;

/** Structured JSON logs (nestjs-pino) with credentials redacted; never spoken text. */
@Module({})
export class LoggingModule {
  static forRoot(level: string): DynamicModule {
    const logger = pino({
      level,
      base: { service: 'gateway' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    });
    return {
      module: LoggingModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger,
            serializers: { req: (req: { url?: string }) => ({ ...req, url: redactUrl(req.url) }) },
          },
        }),
      ],
      providers: [{ provide: ROOT_LOGGER, useValue: logger }],
      exports: [ROOT_LOGGER],
    };
  }
}
