import { AudioEncoding, isAudioEncoding } from '@tts/audio';
import { UPSTREAM_SPEED, isValidSpeed, supportsSpeed } from './deepgram';
import { DEFAULT_VOICE_BY_LANGUAGE, SUPPORTED_LANGUAGES, findVoice, primaryLanguage } from './voices';

export type AudioContainer = 'wav' | 'none';

/** The audio format and voice of one session, fully resolved. */
export interface SessionConfig {
  model: string;
  encoding: AudioEncoding;
  sample_rate: number;
  container: AudioContainer;
  language: string;
  /** Speaking rate sent upstream; absent: Deepgram's default (1; a Config's `speed: 1` resolves to absent). */
  speed?: number;
}

export const DEFAULT_LANGUAGE = 'es';

export const DEFAULT_SESSION_CONFIG: Readonly<SessionConfig> = {
  model: 'aura-2-estrella-es',
  encoding: 'linear16',
  sample_rate: 16000,
  container: 'wav',
  language: DEFAULT_LANGUAGE,
};

/** Sample rates Deepgram's websocket accepts for each encoding. */
export const SAMPLE_RATES: Readonly<Record<AudioEncoding, readonly number[]>> = {
  linear16: [8000, 16000, 24000, 32000, 48000],
  mulaw: [8000, 16000],
  alaw: [8000, 16000],
};

export const CONTAINERS: readonly AudioContainer[] = ['wav', 'none'];

export type ConfigResult = { ok: true; config: SessionConfig } | { ok: false; message: string };

/** The fields a client may send in its Config message (already known to be an object). */
export interface ConfigInput {
  model?: unknown;
  encoding?: unknown;
  sample_rate?: unknown;
  container?: unknown;
  language?: unknown;
  speed?: unknown;
}

/**
 * Resolves a client's Config (or none) against the query's language into a session config.
 * Messages are safe to show the client: they name fields and allowed values only.
 */
export function resolveSessionConfig(input: ConfigInput, queryLanguage: string = DEFAULT_LANGUAGE): ConfigResult {
  // BCP-47 tags are welcome here as in the query (es-MX, en-US): voices are chosen by the primary language.
  const language =
    typeof input.language === 'string' ? primaryLanguage(input.language) : (input.language ?? queryLanguage);
  if (typeof language !== 'string' || !SUPPORTED_LANGUAGES.includes(language)) {
    return { ok: false, message: `language must be one of ${SUPPORTED_LANGUAGES.join(', ')}` };
  }

  const encoding = input.encoding ?? DEFAULT_SESSION_CONFIG.encoding;
  if (!isAudioEncoding(encoding)) {
    return { ok: false, message: 'encoding must be one of linear16, mulaw, alaw' };
  }

  const sampleRate = input.sample_rate ?? DEFAULT_SESSION_CONFIG.sample_rate;
  if (typeof sampleRate !== 'number' || !SAMPLE_RATES[encoding].includes(sampleRate)) {
    return { ok: false, message: `sample_rate for ${encoding} must be one of ${SAMPLE_RATES[encoding].join(', ')}` };
  }

  const container = input.container ?? DEFAULT_SESSION_CONFIG.container;
  if (container !== 'wav' && container !== 'none') {
    return { ok: false, message: 'container must be wav or none' };
  }

  const model = input.model ?? DEFAULT_VOICE_BY_LANGUAGE[language];
  const voice = typeof model === 'string' ? findVoice(model) : undefined;
  if (!voice) {
    return { ok: false, message: 'model must be a known Aura-2 or Aura-1 voice, e.g. aura-2-estrella-es' };
  }
  if (input.language !== undefined && voice.language !== language) {
    return { ok: false, message: `model ${voice.model} does not speak language ${language}` };
  }

  const speed = input.speed;
  if (speed !== undefined) {
    if (!supportsSpeed(voice.model)) {
      return { ok: false, message: `speed is only supported on English and Spanish Aura-2 voices, not ${voice.model}` };
    }
    if (typeof speed !== 'number' || !isValidSpeed(voice.model, speed)) {
      return { ok: false, message: `speed must be a number from ${UPSTREAM_SPEED.min} to ${UPSTREAM_SPEED.max}` };
    }
  }

  const config: SessionConfig = {
    model: voice.model,
    encoding,
    sample_rate: sampleRate,
    container,
    language: voice.language,
  };
  // 1 is Deepgram's default: left out, so the session shares the default upstream (and warm pool slot).
  if (speed !== undefined && speed !== UPSTREAM_SPEED.default) config.speed = speed;
  return { ok: true, config };
}
