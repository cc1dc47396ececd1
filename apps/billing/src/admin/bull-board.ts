import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { createBullBoard } from '@bull-board/api';
import { getQueueToken } from '@nestjs/bullmq';
import { INestApplication } from '@nestjs/common';
import { Queue } from 'bullmq';
import { BillingEnv } from '@tts/config';
import { QueueName } from '@tts/protocol';
import { adminBrowserAuth } from './admin-browser-auth.middleware';

export const BULL_BOARD_ROUTE = '/admin/queues';

/**
 * Bull Board on the usage and webhook queues: failed jobs are kept there for the billing team to inspect and retry.
 * Mounted on the Express instance directly (@bull-board/nestjs pulls in an ESM-only dependency).
 */
export function mountBullBoard(app: INestApplication, env: BillingEnv): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_ROUTE);
  const queues = [QueueName.TtsUsage, QueueName.LowBalanceWebhooks].map(
    (name) => new BullMQAdapter(app.get<Queue>(getQueueToken(name))),
  );
  createBullBoard({ queues, serverAdapter });
  app.use(BULL_BOARD_ROUTE, adminBrowserAuth(env), serverAdapter.getRouter());
}
