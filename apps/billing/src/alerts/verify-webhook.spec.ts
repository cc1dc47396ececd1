import { readFileSync } from 'fs';
import { join } from 'path';
import { LowBalanceEventRow, lowBalanceWebhookBody } from './low-balance-webhook';
import { webhookSignature } from './webhook-signature';

/** The receiver's snippet as apps/billing/README.md shows it, run as a receiver would run it. */
const SNIPPET = join(__dirname, '../../examples/verify-webhook.js');
const { verifyLowBalanceWebhook, TOLERANCE_MS } = jest.requireActual<{
  verifyLowBalanceWebhook(raw: Buffer, signature: string | undefined, secret: string, now?: number): unknown;
  TOLERANCE_MS: number;
}>(SNIPPET);

const SECRET = 'wébhook-secret-ünïcode-1234'; // the key is the secret's UTF-8 bytes on both sides
const row: LowBalanceEventRow = {
  event_id: '3f1c5a52-2f7e-4d55-a2a5-0d3b1f1f2b7c',
  company_id: 'acme',
  balance_credits: '4.200000000000000000',
  threshold_credits: '5.000000000000000000',
  webhook_url: 'https://hooks.example.com/tts',
  fired_at: new Date('2026-11-30T12:00:00.000Z'),
  delivered_at: null,
};

describe('the webhook verification snippet (apps/billing/examples/verify-webhook.js)', () => {
  const sentAt = new Date('2026-11-30T12:00:01.000Z');
  const raw = lowBalanceWebhookBody(row, sentAt);
  const signature = webhookSignature(raw, SECRET);
  const now = sentAt.getTime() + 1000;

  it('is shown verbatim in apps/billing/README.md', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    expect(readme).toContain('```js\n' + readFileSync(SNIPPET, 'utf8') + '```');
  });

  it('accepts what billing signs and returns the event', () => {
    expect(verifyLowBalanceWebhook(Buffer.from(raw), signature, SECRET, now)).toEqual({
      type: 'balance.low',
      event_id: row.event_id,
      company_id: 'acme',
      balance_credits: 4.2,
      threshold_credits: 5,
      at: '2026-11-30T12:00:00.000Z',
      sent_at: '2026-11-30T12:00:01.000Z',
    });
  });

  it('refuses, without throwing, a signature of another length, without its prefix, or absent', () => {
    for (const bad of [
      'sha256=abc',
      'sha256=',
      `sha256=${'0'.repeat(65)}`,
      signature.slice(7),
      'sha256=zz',
      undefined,
    ]) {
      expect(verifyLowBalanceWebhook(Buffer.from(raw), bad, SECRET, now)).toBeNull();
    }
  });

  it('refuses another secret, a changed body and re-serialized JSON with other bytes', () => {
    expect(verifyLowBalanceWebhook(Buffer.from(raw), signature, 'another-secret-1234', now)).toBeNull();
    expect(verifyLowBalanceWebhook(Buffer.from(raw.replace('4.2', '42')), signature, SECRET, now)).toBeNull();
    const reserialized = JSON.stringify(JSON.parse(raw), null, 2);
    expect(verifyLowBalanceWebhook(Buffer.from(reserialized), signature, SECRET, now)).toBeNull();
  });

  it('refuses a replay: a sent_at older (or later) than the tolerance', () => {
    const at = (offset: number) =>
      verifyLowBalanceWebhook(Buffer.from(raw), signature, SECRET, sentAt.getTime() + offset);
    expect(TOLERANCE_MS).toBe(5 * 60 * 1000);
    expect(at(TOLERANCE_MS)).not.toBeNull();
    expect(at(TOLERANCE_MS + 1)).toBeNull();
    expect(at(-TOLERANCE_MS - 1)).toBeNull();
  });

  it('refuses a body without sent_at (what billing sent before it was added)', () => {
    const old = raw.replace(/,"sent_at":"[^"]+"/, '');
    expect(verifyLowBalanceWebhook(Buffer.from(old), webhookSignature(old, SECRET), SECRET, now)).toBeNull();
  });
});
