import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';

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
import { BillingEnv } from '@tts/config';
import { QueueName } from '@tts/protocol';
import { BILLING_ENV } from '../config/billing-env.provider';
import { isAdminAuthorized } from './admin-token.guard';

export const BULL_BOARD_ROUTE = '/admin/queues';

/** Refuses the dashboard without the admin token; browsers get a Basic prompt (password = the token). */
function adminOnly(env: BillingEnv) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!env.BILLING_ADMIN_TOKEN) {
      res.status(503).json({ statusCode: 503, message: 'admin API disabled: BILLING_ADMIN_TOKEN is not configured' });
    } else if (!isAdminAuthorized(req.headers.authorization, env.BILLING_ADMIN_TOKEN)) {
      res.setHeader('WWW-Authenticate', 'Basic realm="billing"');
      res.status(401).json({ statusCode: 401, message: 'missing or wrong admin token' });
    } else {
      next();
    }
  };
}

/** Bull Board on the usage queue: failed jobs are kept there for the billing team to inspect and retry. */
export const bullBoardImports = [
  BullBoardModule.forRootAsync({
    inject: [BILLING_ENV],
    useFactory: (env: BillingEnv) => ({
      route: BULL_BOARD_ROUTE,
      adapter: ExpressAdapter as never,
      middleware: adminOnly(env),
    }),
  }),
  BullBoardModule.forFeature({ name: QueueName.TtsUsage, adapter: BullMQAdapter }),
];
