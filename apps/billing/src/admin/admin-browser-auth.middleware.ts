import { BillingEnv } from '@tts/config';
import { isAdminAuthorized } from './admin-token.guard';

/** The slice of Express the middleware needs (no @types/express in this repo). */
interface Request {
  headers: { authorization?: string };
}
interface Response {
  status(code: number): Response;
  json(body: unknown): void;
  setHeader(name: string, value: string): void;
}
type NextFunction = () => void;

/**
 * Guards the admin UIs a browser opens (/docs, /admin/queues): Bearer or HTTP Basic with the token as
 * password, and a Basic prompt when refused.
 */
export function adminBrowserAuth(env: BillingEnv) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!env.BILLING_ADMIN_TOKEN) {
      res.status(503).json({ statusCode: 503, message: 'admin API disabled: BILLING_ADMIN_TOKEN is not configured' });
    } else if (!isAdminAuthorized(req.headers.authorization, env.BILLING_ADMIN_TOKEN, true)) {
      res.setHeader('WWW-Authenticate', 'Basic realm="billing"');
      res.status(401).json({ statusCode: 401, message: 'missing or wrong admin token' });
    } else {
      next();
    }
  };
}
