/** Shown instead of a credential in a log line. */
export const REDACTED = '[redacted]';

/**
 * Header paths pino masks in any object it logs (a second line of defence: requestSerializer masks
 * every credential-named request header, whatever its spelling).
 */
export const REDACTED_HEADER_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["sec-websocket-protocol"]',
  'req.headers["x-tts-signature"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
];

/**
 * Query parameter names that carry a credential, judged on the decoded, lower-cased name: `token`,
 * `access_token`, `TOKEN`, `%74oken`, `api_key`, `X-Api-Key`, `password`, `client_secret`, `jwt`...
 */
const CREDENTIAL_NAME = /token|secret|passw|pwd|api[-_ ]?key|^key$|auth|jwt|signature|credential|session[-_ ]?key/;
/** A JWT anywhere in a URL, whatever parameter (or path segment) carries it. */
const JWT = /eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g;
/** A parameter name printed as is; anything stranger (e.g. `token=<jwt>` spelled `token%3D<jwt>`) is not. */
const PLAIN_NAME = /^[\w.[\]-]{1,64}$/;

/** Decodes as a query parser would, repeatedly, so double-encoded names are judged by what they spell. */
function decodedName(raw: string): string {
  let name = raw.replace(/\+/g, ' ');
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(name);
    } catch {
      next = name.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    }
    if (next === name) break;
    name = next;
  }
  return name.toLowerCase();
}

export function isCredentialName(raw: string): boolean {
  return CREDENTIAL_NAME.test(decodedName(raw));
}

/**
 * Header names whose whole value is a credential: every credential-like name above (authorization,
 * proxy-authorization, x-api-key, *token*, *secret*, *signature*...) plus cookies, the WebSocket
 * subprotocol (it carries the client's JWT) and identity headers a load balancer adds (x-amzn-oidc-*).
 */
const CREDENTIAL_HEADER = /cookie|^sec-websocket-protocol$|^x-amzn-oidc-/;

function isCredentialHeader(name: string): boolean {
  return isCredentialName(name) || CREDENTIAL_HEADER.test(name.toLowerCase());
}

/**
 * Request headers safe for a log line: credential-named ones masked whole; every other value read as a
 * URL would be (so a Referer's `?token=` is masked by name), and JWT- and secret-masked.
 */
export function redactHeaders(headers: unknown, secrets: readonly string[] = []): unknown {
  if (!headers || typeof headers !== 'object') return headers;
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      isCredentialHeader(name) ? REDACTED : redactHeaderValue(value, secrets),
    ]),
  );
}

function redactHeaderValue(value: unknown, secrets: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => redactHeaderValue(v, secrets));
  return typeof value === 'string' ? redactUrl(value, secrets) : value;
}

/**
 * A URL (path + query) safe for a log line: every parameter whose decoded name looks like a credential
 * has its value masked, any JWT-shaped text is masked, and so is every `secrets` value (raw or encoded).
 */
export function redactUrl(url: string | undefined, secrets: readonly string[] = []): string | undefined {
  if (!url) return url;
  let safe = url;
  const q = url.indexOf('?');
  if (q >= 0) {
    const params = url
      .slice(q + 1)
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        const name = eq >= 0 ? pair.slice(0, eq) : pair;
        if (!isCredentialName(name)) return pair;
        return `${PLAIN_NAME.test(name) ? name : REDACTED}=${REDACTED}`;
      });
    safe = `${url.slice(0, q)}?${params.join('&')}`;
  }
  return maskSecrets(safe.replace(JWT, REDACTED), secrets);
}

/** A parsed query object (Express, qs) with credential-named entries masked, nested ones included. */
export function redactQuery(query: unknown, secrets: readonly string[] = []): unknown {
  if (typeof query === 'string') return maskSecrets(query.replace(JWT, REDACTED), secrets);
  if (Array.isArray(query)) return query.map((v) => redactQuery(v, secrets));
  if (!query || typeof query !== 'object') return query;
  return Object.fromEntries(
    Object.entries(query).map(([name, value]) => [
      isCredentialName(name) ? (PLAIN_NAME.test(name) ? name : REDACTED) : name,
      isCredentialName(name) ? REDACTED : redactQuery(value, secrets),
    ]),
  );
}

function maskSecrets(text: string, secrets: readonly string[]): string {
  let masked = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) masked = masked.split(form).join(REDACTED);
  }
  return masked;
}

interface SerializedRequest {
  url?: string;
  query?: unknown;
  [key: string]: unknown;
}

/** pino-http `req` serializer masking credentials in the URL, the parsed query and the headers. */
export function requestSerializer(secrets: readonly string[] = []) {
  return (req: SerializedRequest): SerializedRequest => ({
    ...req,
    url: redactUrl(req.url, secrets),
    ...('query' in req ? { query: redactQuery(req.query, secrets) } : {}),
    ...('headers' in req ? { headers: redactHeaders(req.headers, secrets) } : {}),
  });
}

/**
 * Kubernetes probes (/health/live, /health/ready) and Prometheus scrapes (/metrics) arrive every few
 * seconds from every pod's kubelet and scraper: a request line for each would bury the log. pino-http's
 * `autoLogging.ignore` takes this. Only GETs of those paths exactly (and their query strings), so a
 * client's 404 on /healthz, /metrics-anything or a POST to /metrics is still logged.
 */
export function isProbeOrScrape(req: { method?: string; url?: string }): boolean {
  if (req.method !== 'GET') return false;
  const path = (req.url ?? '').split('?', 1)[0];
  return path === '/metrics' || path === '/health/live' || path === '/health/ready';
}
