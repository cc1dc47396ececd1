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

/** host[:port] of an Origin or Referer header, or undefined when it is not a URL (e.g. `null`). */
function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/**
 * A state-changing request a browser sent from another site. Browsers resend cached Basic credentials
 * and always attach Origin (or at least Referer) to a cross-site POST/PUT/DELETE, whatever its content
 * type, so any such header naming another host refuses it. Clients that send neither (curl, scripts)
 * are not browsers acting for a user and pass on their credentials alone.
 */
export function isCrossSite(req: Request): boolean {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return false;
  const claimed = req.headers.origin ?? req.headers.referer;
  if (claimed === undefined) return false;
  return hostOf(claimed) !== req.headers.host;
}

/**
 * Guards the admin UIs a browser opens (/docs, /admin/queues): Bearer or HTTP Basic with the token as
 * password, a Basic prompt when refused, and no state change requested from another site.
 */
export function adminBrowserAuth(env: BillingEnv) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!env.BILLING_ADMIN_TOKEN) {
      res.status(503).json({ statusCode: 503, message: 'admin API disabled: BILLING_ADMIN_TOKEN is not configured' });
    } else if (isCrossSite(req)) {
      res.status(403).json({ statusCode: 403, message: 'cross-site request refused: Origin is not this service' });
    } else if (!isAdminAuthorized(req.headers.authorization, env.BILLING_ADMIN_TOKEN, true)) {
      res.setHeader('WWW-Authenticate', 'Basic realm="billing"');
      res.status(401).json({ statusCode: 401, message: 'missing or wrong admin token' });
    } else {
      next();
    }
  };
}
