import { SessionConfig } from '@tts/protocol';

/** REST-only parameters the websocket endpoint does not take, even if the configured base URL carries them. */
const REST_ONLY_PARAMS = ['container', 'bit_rate'];

/** The upstream URL for a session: the configured base (its own query kept) plus model, encoding, sample_rate. */
export function upstreamUrl(base: string, config: Pick<SessionConfig, 'model' | 'encoding' | 'sample_rate'>): string {
  const url = new URL(base);
  for (const name of REST_ONLY_PARAMS) url.searchParams.delete(name);
  url.searchParams.set('model', config.model);
  url.searchParams.set('encoding', config.encoding);
  // Always sent: the upstream's own default (24000) differs from ours.
  url.searchParams.set('sample_rate', String(config.sample_rate));
  return url.toString();
}
