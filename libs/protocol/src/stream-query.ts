import { DEFAULT_LANGUAGE } from './session-config';

/** The client endpoint's path (WebSocket upgrade on the gateway's HTTP port). */
export const TTS_STREAM_PATH = '/tts/deepgram/stream';

export interface StreamQuery {
  company_id: string;
  user_id: string;
  session_id: string;
  language: string;
}

const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
const LANGUAGE_PATTERN = /^[a-z]{2}(?:-[A-Za-z]{2,4})?$/;

export type QueryResult = { ok: true; query: StreamQuery } | { ok: false; message: string };

/** Validates the endpoint's query string; `language` is checked for shape here and for support at config time. */
export function parseStreamQuery(params: URLSearchParams): QueryResult {
  const ids: Partial<StreamQuery> = {};
  for (const name of ['company_id', 'user_id', 'session_id'] as const) {
    const values = params.getAll(name);
    if (values.length !== 1 || !ID_PATTERN.test(values[0])) {
      return { ok: false, message: `query parameter ${name} is required: 1-128 characters of A-Z a-z 0-9 . _ : -` };
    }
    ids[name] = values[0];
  }
  const language = params.get('language') || DEFAULT_LANGUAGE;
  if (!LANGUAGE_PATTERN.test(language)) {
    return { ok: false, message: 'query parameter language must be a language code such as es or en' };
  }
  return { ok: true, query: { ...(ids as Omit<StreamQuery, 'language'>), language } };
}
