import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { EmulatorEnv } from '@tts/config';
import { HealthController } from './health/health.controller';
import { EMULATOR_ENV, EMULATOR_LOGGER, SpeakService } from './speak/speak.service';

/** Headers pino must never print: the emulator is handed API keys like Deepgram is. */
const REDACTED_PATHS = ['req.headers.authorization', 'req.headers["sec-websocket-protocol"]', 'req.headers.cookie'];

@Module({})
export class EmulatorAppModule {
  static forRoot(env: EmulatorEnv, logLevel = 'info'): DynamicModule {
    const logger = pino({
      level: logLevel,
      base: { service: 'deepgram-emulator' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    });
    return {
      module: EmulatorAppModule,
      imports: [LoggerModule.forRoot({ pinoHttp: { logger, autoLogging: false } }), TerminusModule],
      controllers: [HealthController],
      providers: [
        { provide: EMULATOR_ENV, useValue: env },
        { provide: EMULATOR_LOGGER, useValue: logger },
        SpeakService,
      ],
      exports: [SpeakService],
    };
  }
}
