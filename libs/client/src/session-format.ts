import { ConnectedStatus, DEFAULT_SESSION_CONFIG } from '@tts/protocol';
import type { AudioEncoding } from '@tts/audio';
import { AudioFormat, SessionConfigRequest } from './client-events';

/**
 * useTts's sample rate when none is given: linear16 at 24 kHz, the best fit for the worklet player; mulaw
 * and alaw (8 or 16 kHz only) at the gateway's own default, 16 kHz.
 */
export function defaultHookSampleRate(encoding: AudioEncoding): number {
  return encoding === 'linear16' ? 24000 : DEFAULT_SESSION_CONFIG.sample_rate;
}

/** The Config useTts opens its session with: raw audio, linear16 unless asked otherwise. */
export function hookSessionConfig(options: {
  encoding?: AudioEncoding;
  sampleRate?: number;
  model?: string;
  lang?: string;
  speed?: number;
}): SessionConfigRequest {
  const { encoding = 'linear16', sampleRate, model, lang, speed } = options;
  return {
    encoding,
    sample_rate: sampleRate ?? defaultHookSampleRate(encoding),
    container: 'none',
    ...(model ? { model } : {}),
    ...(lang ? { language: lang } : {}),
    ...(speed !== undefined ? { speed } : {}),
  };
}

/** The format asked for in the Config (defaults filled in): what audio is labelled with until the gateway confirms. */
export function requestedFormat(config: SessionConfigRequest | undefined): AudioFormat {
  return {
    encoding: config?.encoding ?? DEFAULT_SESSION_CONFIG.encoding,
    sampleRate: config?.sample_rate ?? DEFAULT_SESSION_CONFIG.sample_rate,
    container: config?.container ?? DEFAULT_SESSION_CONFIG.container,
  };
}

/** The format the gateway settled on, from its `connected` status. */
export function confirmedFormat(status: ConnectedStatus): AudioFormat {
  return {
    encoding: status.encoding as AudioFormat['encoding'],
    sampleRate: status.sample_rate,
    container: status.container as AudioFormat['container'],
  };
}
