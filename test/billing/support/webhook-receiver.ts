import { createHmac } from 'crypto';
import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import { join } from 'path';

interface LowBalanceWebhookBody {
  type: string;
  event_id: string;
  company_id: string;
  balance_credits: number;
  threshold_credits: number;
  at: string;
  /** This delivery attempt's time: a new one on every attempt. */
  sent_at: string;
}

/**
 * The receiver snippet apps/billing/README.md shows (apps/billing/examples/verify-webhook.js), loaded as is:
 * the event when the signature and sent_at check out, null otherwise.
 */
export const { verifyLowBalanceWebhook } = jest.requireActual<{
  verifyLowBalanceWebhook(
    raw: Buffer,
    signature: string | undefined,
    secret: string,
    now?: number,
  ): LowBalanceWebhookBody | null;
}>(join(__dirname, '../../../apps/billing/examples/verify-webhook.js'));

export interface ReceivedWebhook {
  path: string;
  raw: string;
  /** The body's bytes as received (what a receiver verifies). */
  bytes: Buffer;
  body: LowBalanceWebhookBody;
  signature: string | undefined;
  /** What the receiver answered; 'hang': it never answered (the request was left open). */
  status: number | 'hang';
}

/**
 * A real HTTP webhook receiver. `answer(path, n)` picks the status of the n-th request (0-based) on a path:
 * 200 by default; a test makes a path fail for a while or for good, or leaves a request unanswered ('hang').
 */
export async function startWebhookReceiver(answer: (path: string, n: number) => number | 'hang' = () => 200) {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const bytes = Buffer.concat(chunks);
      const raw = bytes.toString();
      const path = req.url ?? '';
      const status = answer(path, received.filter((r) => r.path === path).length);
      const signature = req.headers['x-tts-signature'] as string;
      received.push({ path, raw, bytes, body: JSON.parse(raw), signature, status });
      if (status !== 'hang') res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    received,
    on: (path: string) => received.filter((r) => r.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function expectedSignature(raw: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
}
