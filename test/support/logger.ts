import { PinoLogger } from 'nestjs-pino';
import pino, { Logger } from 'pino';

/**
 * The injected PinoLogger of a provider a test builds by hand, outside a Nest app. PinoLogger writes
 * to one process-wide root logger (the first one configured wins), so this one writes to its own
 * (and, built before any app in a test file, becomes that root: the app's lines go to `target` too).
 */
class StandalonePinoLogger extends PinoLogger {
  constructor(private readonly target: Logger) {
    super({ pinoHttp: { logger: target } });
  }

  override get logger(): Logger {
    return this.target;
  }
}

/** A logger for a hand-built provider: silent unless given a pino logger to write to. */
export function testLogger(target: Logger = pino({ level: 'silent' })): PinoLogger {
  return new StandalonePinoLogger(target);
}

/** A logger keeping the JSON lines logged at `level` or above, to assert what an operator would read. */
export function recordingLogger(level: pino.Level = 'error'): { logger: PinoLogger; lines: string[] } {
  const lines: string[] = [];
  return { logger: testLogger(pino({ level }, { write: (line: string) => void lines.push(line) })), lines };
}
