import type { IncomingMessage, ServerResponse } from 'http';
import helmet from 'helmet';

type Directive = string | ((req: IncomingMessage, res: ServerResponse) => string);
export type CspDirectives = Record<string, Directive[]>;

/** host[:port] or [ipv6][:port]: nothing a client could use to break out of a CSP source. */
const PLAIN_HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * Same-host WebSocket URLs: 'self' covers them in current browsers, older ones need them spelled out.
 * The Host header is the client's: anything but a plain host (a `,` or `;` would make helmet refuse the
 * whole policy and the request fail) falls back to 'self'.
 */
const sameHostSocket =
  (scheme: 'ws' | 'wss'): Directive =>
  (req) => {
    const host = req.headers.host;
    return host && PLAIN_HOST.test(host) ? `${scheme}://${host}` : "'self'";
  };
const sameHostSockets: Directive[] = [sameHostSocket('ws'), sameHostSocket('wss')];

/** The policy of every response without a page policy: nothing but this origin, never framed. */
const STRICT_CSP: CspDirectives = {
  'default-src': ["'self'"],
  'base-uri': ["'none'"],
  'object-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'", ...sameHostSockets],
};

/** A page whose responses need a looser CSP (inline script, third-party styles): only what it adds. */
export interface PagePolicy {
  /** Exact path (`/`) or path prefix ending in `/` or `*` (`/docs*`: /docs, /docs/, /docs-json...). */
  path: string;
  csp: Partial<CspDirectives>;
}

function matches(policy: PagePolicy, path: string): boolean {
  if (policy.path.endsWith('*')) return path.startsWith(policy.path.slice(0, -1));
  return path === policy.path;
}

function headersWith(csp: CspDirectives) {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: csp },
    // The demo page URL carries a client token: never send it on as a Referer.
    referrerPolicy: { policy: 'no-referrer' },
    xPoweredBy: true,
  });
}

type Next = (err?: unknown) => void;

/**
 * helmet's security headers on every HTTP response (nosniff, frame-ancestors / X-Frame-Options,
 * Referrer-Policy no-referrer, HSTS, CORP/COOP, no X-Powered-By) with STRICT_CSP, extended per page:
 * a page policy adds sources to the strict directives of its own responses only.
 */
export function securityHeaders(pages: readonly PagePolicy[] = []) {
  const strict = headersWith(STRICT_CSP);
  const perPage = pages.map((page) => {
    const csp: CspDirectives = { ...STRICT_CSP };
    for (const [name, sources] of Object.entries(page.csp)) {
      // 'none' only stands alone: a page that adds sources to such a directive replaces it.
      csp[name] = [...(STRICT_CSP[name] ?? []).filter((s) => s !== "'none'"), ...sources!];
    }
    return { page, headers: headersWith(csp) };
  });
  return (req: IncomingMessage, res: ServerResponse, next: Next): void => {
    const path = (req.url ?? '/').split('?')[0];
    const chosen = perPage.find(({ page }) => matches(page, path))?.headers ?? strict;
    chosen(req, res, next);
  };
}
