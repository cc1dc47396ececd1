/**
 * Cross-site WebSocket hijacking defence. Browsers always send `Origin` on a WebSocket upgrade and
 * attach cookies whatever the page, so:
 * - a browser Origin (any credential) must be listed in ALLOWED_ORIGINS or be the gateway's own host,
 *   except that with no ALLOWED_ORIGINS configured an explicit token (query/bearer) may come from anywhere;
 * - ambient credentials (the cookie, or no auth at all) need an allowed/same-host Origin, or no Origin
 *   for non-browser clients of a gateway running with AUTH_DISABLED.
 * A cookie without an Origin is refused: only a browser has our cookie, and a browser sends Origin.
 */
export interface OriginCheck {
  origin: string | undefined;
  host: string | undefined;
  /** True when the credential is the cookie or auth is disabled: the browser, not the page, supplied it. */
  ambient: boolean;
  cookie: boolean;
}

export class OriginPolicy {
  private readonly allowed: ReadonlySet<string>;

  constructor(allowedOrigins: readonly string[]) {
    this.allowed = new Set(allowedOrigins.map(normalizeOrigin).filter((o): o is string => o !== undefined));
  }

  /** Returns a refusal reason, or undefined when the connection may proceed. */
  check({ origin, host, ambient, cookie }: OriginCheck): string | undefined {
    if (origin === undefined) return cookie ? 'cookie credentials require an Origin header' : undefined;
    const normalized = normalizeOrigin(origin);
    const trusted = normalized !== undefined && (this.allowed.has(normalized) || sameHost(normalized, host));
    if (trusted) return undefined;
    if (!ambient && this.allowed.size === 0) return undefined;
    return 'origin not allowed';
  }
}

/** `https://App.example.com:443/` -> `https://app.example.com`; `null` and non-http(s) origins -> undefined. */
export function normalizeOrigin(origin: string): string | undefined {
  try {
    const url = new URL(origin.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

function sameHost(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  const url = new URL(origin);
  // url.host drops the scheme's default port; a Host header may carry it explicitly.
  const defaultPort = url.protocol === 'https:' ? ':443' : ':80';
  const h = host.trim().toLowerCase();
  return url.host === h || url.host + defaultPort === h;
}
