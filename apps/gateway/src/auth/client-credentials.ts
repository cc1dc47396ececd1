import { IncomingMessage } from 'http';

/** Where a client token came from; a cookie is ambient (the browser adds it), so it needs an origin check. */
export type CredentialSource = 'query' | 'header' | 'cookie';

export interface ClientCredentials {
  token: string;
  source: CredentialSource;
}

export const TOKEN_QUERY_PARAM = 'token';
export const TOKEN_COOKIE = 'tts_token';

/**
 * Finds the client token of an upgrade request: `token` query parameter, then `Authorization: Bearer`,
 * then the `tts_token` cookie. Explicit credentials win over the ambient cookie.
 */
export function readClientCredentials(request: IncomingMessage): ClientCredentials | undefined {
  const fromQuery = new URL(request.url ?? '/', 'http://gateway').searchParams.get(TOKEN_QUERY_PARAM);
  if (fromQuery) return { token: fromQuery, source: 'query' };
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  if (bearer) return { token: bearer[1], source: 'header' };
  const fromCookie = readCookie(request.headers.cookie, TOKEN_COOKIE);
  if (fromCookie) return { token: fromCookie, source: 'cookie' };
  return undefined;
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    const value = pair
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    try {
      return decodeURIComponent(value) || undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
