import { SessionConfig, UPSTREAM_REST_ONLY_PARAMS } from '@tts/protocol';

/** The upstream URL for a session: the configured base (its own query kept) plus model, encoding, sample_rate, speed. */
export function upstreamUrl(
  base: string,
  config: Pick<SessionConfig, 'model' | 'encoding' | 'sample_rate' | 'speed'>,
): string {
  const url = new URL(base);
  // Dropped even if the configured base URL carries them.
  for (const name of UPSTREAM_REST_ONLY_PARAMS) url.searchParams.delete(name);
  url.searchParams.set('model', config.model);
  url.searchParams.set('encoding', config.encoding);
  // Always sent: the upstream's own default (24000) differs from ours.
  url.searchParams.set('sample_rate', String(config.sample_rate));
  if (config.speed !== undefined) url.searchParams.set('speed', String(config.speed));
  else url.searchParams.delete('speed');
  return url.toString();
}
