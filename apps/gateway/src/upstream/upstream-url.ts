import { SessionConfig, UPSTREAM_REST_ONLY_PARAMS } from '@tts/protocol';

type UrlConfig = Pick<SessionConfig, 'model' | 'encoding' | 'sample_rate' | 'speed'>;

/** URLs already built: a pod sees a handful of configurations, and each new connection needs one. */
const built = new Map<string, string>();
/** Bounds the memo (`speed` alone could make many configurations): past it, it starts again. */
const BUILT_MAX = 256;

/** The upstream URL for a session: the configured base (its own query kept) plus model, encoding, sample_rate, speed. */
export function upstreamUrl(base: string, config: UrlConfig): string {
  const key = `${config.model} ${config.encoding} ${config.sample_rate} ${config.speed} ${base}`;
  let url = built.get(key);
  if (url === undefined) {
    if (built.size >= BUILT_MAX) built.clear();
    built.set(key, (url = buildUrl(base, config)));
  }
  return url;
}

function buildUrl(base: string, config: UrlConfig): string {
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
