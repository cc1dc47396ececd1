import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino, { Logger } from 'pino';
import { GatewayEnv, REDACTED, REDACTED_HEADER_PATHS, isProbeOrScrape, requestSerializer } from '@tts/config';

/** Log lines held while stdout is slower than the gateway logs; past it, lines are dropped (counted on stderr). */
export const LOG_BUFFER_MAX_BYTES = 16 * 1024 * 1024;

/** Lines are written once this much is held, or LOG_FLUSH_INTERVAL_MS after the last write. */
const LOG_WRITE_MIN_BYTES = 4096;
const LOG_FLUSH_INTERVAL_MS = 250;

/**
 * Stdout written asynchronously (as pino's default does) and in batches: a log line never waits for
 * write(2) on the event loop, and a stuck log pipe (a collector that stopped reading) cannot stall the
 * relay (test/ops/log-pipe.e2e-spec.ts). Batching saved ~4 % of a short session's CPU (one write per
 * line went through libuv's thread pool; docs/BENCHMARKS.md). The lines held while stdout is stuck are
 * capped: past LOG_BUFFER_MAX_BYTES they are dropped instead of the pod running out of memory.
 * Lines still held are written synchronously when the process exits (pino's exit hook); a SIGKILL loses them.
 */
export function nonBlockingLogStream(fd = 1, maxLength = LOG_BUFFER_MAX_BYTES): pino.DestinationStream {
  const stream = pino.destination({
    dest: fd,
    sync: false,
    maxLength,
    minLength: LOG_WRITE_MIN_BYTES,
    periodicFlush: LOG_FLUSH_INTERVAL_MS,
  });
  let dropped = 0;
  stream.on('drop', () => {
    if (dropped++ % 1000 === 0) {
      process.stderr.write(`gateway: the log output is not keeping up; ${dropped} log lines dropped so far\n`);
    }
  });
  return stream;
}

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
    const logger = pino(
      {
        level: env.LOG_LEVEL,
        base: { service: 'gateway' },
        redact: { paths: REDACTED_HEADER_PATHS, censor: REDACTED },
        serializers: { req: requestSerializer(secrets) },
      },
      nonBlockingLogStream(),
    );
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
