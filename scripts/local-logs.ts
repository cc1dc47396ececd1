import { prettyFactory } from 'pino-pretty';

/**
 * Human-readable terminal lines for `npm start`: each part's JSON log line through pino-pretty, prefixed
 * with the part's name. The apps themselves keep logging JSON (the production format).
 */
const pretty = prettyFactory({
  colorize: Boolean(process.stdout.isTTY),
  translateTime: 'SYS:HH:MM:ss.l',
  ignore: 'pid,hostname',
  singleLine: true,
});

export function localLogLine(part: string, line: string): string {
  const text = line.startsWith('{') ? pretty(line).trimEnd() : line;
  return `[${part}] ${text}\n`;
}
