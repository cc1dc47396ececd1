import { IncomingMessage } from 'node:http';
import { AUDIO_ENCODINGS, AudioEncoding, isAudioEncoding } from '@tts/audio';
import { SAMPLE_RATES, UPSTREAM_SPEED, findVoice, isValidSpeed, supportsSpeed } from '@tts/protocol';

export const DEFAULT_MODEL = 'aura-2-thalia-en';
export const DEFAULT_ENCODING: AudioEncoding = 'linear16';
/** Deepgram's own defaults when sample_rate is absent: 24000 for linear16, 8000 for G.711. */
export const DEFAULT_SAMPLE_RATE: Readonly<Record<AudioEncoding, number>> = {
  linear16: 24000,
  mulaw: 8000,
  alaw: 8000,
};

export interface SpeakParams {
  model: string;
  encoding: AudioEncoding;
  sampleRate: number;
  /** Deepgram's `speed`: the speaking rate (1 when absent). */
  speed: number;
}

export interface Refusal {
  status: number;
  /** Machine code, sent as `dg-error` and `err_code`. */
  error: string;
  message: string;
}

/** A float as a float parser reads one (`.9`, `1.`, `1e0`); not hex, `Infinity` or blank, which Number() also takes. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export type SpeakRequestCheck = { ok: true; params: SpeakParams } | { ok: false; refusal: Refusal };

const INVALID_QUERY = 'INVALID_QUERY_PARAMETER';

const refuse = (status: number, error: string, message: string): SpeakRequestCheck => ({
  ok: false,
  refusal: { status, error, message },
});

/**
 * The key a client presents: `Authorization: Token <key>` or the `token, <key>` subprotocol. Deepgram
 * takes `Bearer` only for its short-lived JWTs, never an API key: refused here too, so a client that
 * sends its key as Bearer fails against the emulator as it would against Deepgram.
 */
export function presentedKey(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization?.trim();
  const match = header ? /^token\s+(\S+)$/i.exec(header) : null;
  if (match) return match[1];
  const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const at = protocols.indexOf('token');
  return at >= 0 && protocols[at + 1] ? protocols[at + 1] : undefined;
}

/** Auth first (as Deepgram does), then the query; unknown query parameters are ignored. */
export function checkSpeakRequest(req: IncomingMessage, query: URLSearchParams, apiKey?: string): SpeakRequestCheck {
  const key = presentedKey(req);
  if (!key || (apiKey !== undefined && key !== apiKey)) {
    return refuse(401, 'INVALID_AUTH', 'Invalid credentials.');
  }
  const model = query.get('model') ?? DEFAULT_MODEL;
  // Deepgram's own words for an unknown model; a bad format or speed is an INVALID_QUERY_PARAMETER.
  if (!findVoice(model)) return refuse(400, 'Bad Request', 'Bad Request: No such model/version combination found.');
  const encoding = query.get('encoding') ?? DEFAULT_ENCODING;
  if (!isAudioEncoding(encoding)) {
    return refuse(
      400,
      INVALID_QUERY,
      `Unsupported audio format: \`encoding\` must be one of ${AUDIO_ENCODINGS.join(', ')}`,
    );
  }
  const rawRate = query.get('sample_rate');
  const sampleRate = rawRate === null ? DEFAULT_SAMPLE_RATE[encoding] : /^\d+$/.test(rawRate) ? Number(rawRate) : NaN;
  if (!SAMPLE_RATES[encoding].includes(sampleRate)) {
    const rates = SAMPLE_RATES[encoding].join(', ');
    return refuse(
      400,
      INVALID_QUERY,
      `Unsupported audio format: \`sample_rate\` must be [${rates}] when \`encoding=${encoding}\``,
    );
  }
  const rawSpeed = query.get('speed');
  const speed = rawSpeed === null ? UPSTREAM_SPEED.default : DECIMAL.test(rawSpeed) ? Number(rawSpeed) : NaN;
  if (rawSpeed !== null && !supportsSpeed(model)) {
    return refuse(400, INVALID_QUERY, `The speed parameter is not supported for model ${model}`);
  }
  if (rawSpeed !== null && !isValidSpeed(model, speed)) {
    return refuse(
      400,
      INVALID_QUERY,
      `Invalid speed: ${rawSpeed.slice(0, 16)} (${UPSTREAM_SPEED.min} to ${UPSTREAM_SPEED.max})`,
    );
  }
  return { ok: true, params: { model, encoding, sampleRate, speed } };
}
