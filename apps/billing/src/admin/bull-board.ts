import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { createBullBoard } from '@bull-board/api';
import { getQueueToken } from '@nestjs/bullmq';
import { INestApplication } from '@nestjs/common';
import { Queue } from 'bullmq';

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

/**
 * Bull Board on the usage queue: failed jobs are kept there for the billing team to inspect and retry.
 * Mounted on the Express instance directly (@bull-board/nestjs pulls in an ESM-only dependency).
 */
export function mountBullBoard(app: INestApplication, env: BillingEnv): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_ROUTE);
  const queue = app.get<Queue>(getQueueToken(QueueName.TtsUsage));
  // @bull-board/express and /api differ by a patch version, so their adapter types do not line up exactly.
  createBullBoard({ queues: [new BullMQAdapter(queue)], serverAdapter: serverAdapter as never });
  app.use(BULL_BOARD_ROUTE, adminOnly(env), serverAdapter.getRouter());
}
