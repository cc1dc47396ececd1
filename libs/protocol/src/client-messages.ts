import { ErrorCode } from './errors';
import { ConfigInput } from './session-config';

/** Messages a client sends to the gateway (PROTOCOL.md section 1). */
export type ClientMessage =
  | { type: 'Config'; config: ConfigInput }
  | { type: 'Speak'; text: string }
  | { type: 'Flush' }
  | { type: 'Clear' }
  | { type: 'Close' };

export type ParseResult =
  | { ok: true; message: ClientMessage }
  | { ok: false; code: ErrorCode.InvalidJson | ErrorCode.InvalidMessage; message: string };

const CONFIG_FIELDS = ['model', 'encoding', 'sample_rate', 'container', 'language', 'speed'] as const;

function invalid(message: string): ParseResult {
  return { ok: false, code: ErrorCode.InvalidMessage, message };
}

/**
 * Parses one client text frame. Never throws: hostile input (deep nesting, `__proto__` keys,
 * wrong types) comes back as an error result. Error messages never echo the client's text.
 */
export function parseClientMessage(frame: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return { ok: false, code: ErrorCode.InvalidJson, message: 'frame is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid('message must be a JSON object');
  }
  const body = value as Record<string, unknown>;
  const type = Object.prototype.hasOwnProperty.call(body, 'type') ? body.type : undefined;

  switch (type) {
    case 'Speak': {
      const text = Object.prototype.hasOwnProperty.call(body, 'text') ? body.text : undefined;
      if (typeof text !== 'string' || text.length === 0) return invalid('Speak needs a non-empty string "text"');
      return { ok: true, message: { type: 'Speak', text } };
    }
    case 'Flush':
    case 'Clear':
    case 'Close':
      return { ok: true, message: { type } };
    case 'Configure':
      return { ok: true, message: { type: 'Config', config: pickConfig(body) } };
    case undefined:
      // A typeless object is a Config only if it looks like one: `{"text":"hola"}` must not vanish silently.
      if (!isConfigShaped(body)) return invalid('message needs a "type" (Speak, Flush, Clear, Close) or Config fields');
      return { ok: true, message: { type: 'Config', config: pickConfig(body) } };
    default:
      return invalid(
        typeof type === 'string'
          ? `unknown message type ${JSON.stringify(type.slice(0, 40))}; valid types: Speak, Flush, Clear, Close (a Config has no "type", or "Configure")`
          : '"type" must be one of Speak, Flush, Clear, Close, Configure',
      );
  }
}

function isConfigShaped(body: Record<string, unknown>): boolean {
  const keys = Object.keys(body);
  return keys.length === 0 || CONFIG_FIELDS.some((field) => Object.prototype.hasOwnProperty.call(body, field));
}

function pickConfig(body: Record<string, unknown>): ConfigInput {
  const config: Record<string, unknown> = {};
  for (const field of CONFIG_FIELDS) {
    if (Object.prototype.hasOwnProperty.call(body, field)) config[field] = body[field];
  }
  return config as ConfigInput;
}
