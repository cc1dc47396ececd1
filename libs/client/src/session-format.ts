import { ConnectedStatus, DEFAULT_SESSION_CONFIG } from '@tts/protocol';
import { AudioFormat, SessionConfigRequest } from './client-events';

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
