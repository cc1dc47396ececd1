import { BillingEnv } from '@tts/config';
import { isAdminAuthorized } from './admin-token.guard';

/** The slice of Express the middleware needs (no @types/express in this repo). */
interface Request {
  method: string;
  headers: { authorization?: string; origin?: string; referer?: string; host?: string };
}
interface Response {
  status(code: number): Response;
  json(body: unknown): void;
  setHeader(name: string, value: string): void;
}
type NextFunction = () => void;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** An Origin or Referer header as a URL, or undefined when it is not one (e.g. `null`). */
function urlOf(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/**
 * A state-changing request a browser sent from another site. Browsers resend cached Basic credentials
 * and always attach Origin (or at least Referer) to a cross-site POST/PUT/DELETE, whatever its content
 * type, so any such header naming another host refuses it. Clients that send neither (curl, scripts)
 * are not browsers acting for a user and pass on their credentials alone. `trustedOrigins`
 * (BILLING_ADMIN_ORIGINS) are also the service's own: behind a proxy that rewrites Host, its public origin.
 * X-Forwarded-Host is never read: whoever can reach the service directly could set it.
 */
export function isCrossSite(req: Request, trustedOrigins: ReadonlySet<string> = new Set()): boolean {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return false;
  const claimed = req.headers.origin ?? req.headers.referer;
  if (claimed === undefined) return false;
  const url = urlOf(claimed);
  if (!url) return true;
  return url.host !== req.headers.host && !trustedOrigins.has(url.origin);
}

/** BILLING_ADMIN_ORIGINS as URL origins (lower-case, default port dropped), as `new URL().origin` gives them. */
function originSet(origins: readonly string[]): ReadonlySet<string> {
  return new Set(origins.map((origin) => new URL(origin).origin));
}

/**
 * Guards the admin UIs a browser opens (/docs, /admin/queues): Bearer or HTTP Basic with the token as
 * password, a Basic prompt when refused, and no state change requested from another site.
 */
export function adminBrowserAuth(env: BillingEnv) {
  const trusted = originSet(env.BILLING_ADMIN_ORIGINS);
  return (req: Request, res: Response, next: NextFunction) => {
    if (!env.BILLING_ADMIN_TOKEN) {
      res.status(503).json({ statusCode: 503, message: 'admin API disabled: BILLING_ADMIN_TOKEN is not configured' });
    } else if (isCrossSite(req, trusted)) {
      res.status(403).json({ statusCode: 403, message: 'cross-site request refused: Origin is not this service' });
    } else if (!isAdminAuthorized(req.headers.authorization, env.BILLING_ADMIN_TOKEN, true)) {
      res.setHeader('WWW-Authenticate', 'Basic realm="billing"');
      res.status(401).json({ statusCode: 401, message: 'missing or wrong admin token' });
    } else {
      next();
    }
  };
}
