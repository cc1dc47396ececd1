import { DEFAULT_LANGUAGE } from './session-config';
import { SUPPORTED_LANGUAGES, primaryLanguage } from './voices';

/** The client endpoint's path (WebSocket upgrade on the gateway's HTTP port). */
export const TTS_STREAM_PATH = '/tts/deepgram/stream';

export interface StreamQuery {
  company_id: string;
  user_id: string;
  session_id: string;
  language: string;
}

const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export type QueryResult = { ok: true; query: StreamQuery } | { ok: false; message: string };

/** Validates the endpoint's query string; an unsupported language is refused at connect, not at the first message. */
export function parseStreamQuery(params: URLSearchParams): QueryResult {
  const ids: Partial<StreamQuery> = {};
  for (const name of ['company_id', 'user_id', 'session_id'] as const) {
    const values = params.getAll(name);
    if (values.length !== 1 || !ID_PATTERN.test(values[0])) {
      return { ok: false, message: `query parameter ${name} is required: 1-128 characters of A-Z a-z 0-9 . _ : -` };
    }
    ids[name] = values[0];
  }
  const raw = params.get('language') || DEFAULT_LANGUAGE;
  // BCP-47 tags are welcome (es-MX, en-US): voices are chosen by the primary language.
  const language = primaryLanguage(raw);
  if (!SUPPORTED_LANGUAGES.includes(language)) {
    return { ok: false, message: `query parameter language must be one of ${SUPPORTED_LANGUAGES.join(', ')}` };
  }
  return { ok: true, query: { ...(ids as Omit<StreamQuery, 'language'>), language } };
}
