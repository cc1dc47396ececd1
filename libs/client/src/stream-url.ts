import { TTS_STREAM_PATH } from '@tts/protocol';

/** Where and as whom a client connects (PROTOCOL.md section 1). */
export interface StreamTarget {
  /**
   * The gateway: `wss://host`, `ws://host:port`, or a full `.../tts/deepgram/stream` URL.
   * Optional in a browser page served by the gateway: defaults to the page's own host.
   */
  url?: string;
  companyId: string;
  userId: string;
  sessionId: string;
  /** Default voice language (`es` when omitted). */
  language?: string;
  /** Client JWT, sent as the `token` query parameter; omit to rely on the `tts_token` cookie. */
  token?: string;
}

const BAD_URL = 'TtsClient: `url` must be an absolute ws://, wss://, http:// or https:// URL';

/** The stream endpoint's URL with the query; throws for a `url` that is not a ws(s)/http(s) URL. */
export function streamUrl(target: StreamTarget): string {
  let url: URL;
  try {
    url = new URL(target.url ?? pageOrigin());
  } catch (error) {
    // The URL itself is left out of the message: it may carry credentials.
    if (target.url !== undefined) throw new Error(BAD_URL);
    throw error;
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new Error(BAD_URL);
  if (url.pathname === '' || url.pathname === '/') url.pathname = TTS_STREAM_PATH;
  url.searchParams.set('company_id', target.companyId);
  url.searchParams.set('user_id', target.userId);
  url.searchParams.set('session_id', target.sessionId);
  if (target.language) url.searchParams.set('language', target.language);
  if (target.token) url.searchParams.set('token', target.token);
  return url.toString();
}

function pageOrigin(): string {
  if (typeof location === 'undefined') throw new Error('TtsClient: `url` is required outside a browser page');
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}`;
}
