const { createHmac, timingSafeEqual } = require('node:crypto');

/** Deliveries whose sent_at is further than this from your clock are refused (replays, or a skewed clock). */
const TOLERANCE_MS = 5 * 60 * 1000;

/**
 * Checks a low-balance webhook. rawBody: the request body as received (a Buffer, before any JSON parsing),
 * signatureHeader: the X-TTS-Signature header, secret: WEBHOOK_SIGNING_SECRET. Returns the event, or
 * null when the delivery must be refused. Then deduplicate on event.event_id (the same on every retry).
 */
function verifyLowBalanceWebhook(rawBody, signatureHeader, secret, now = Date.now()) {
  if (typeof signatureHeader !== 'string' || !signatureHeader.startsWith('sha256=')) return null;
  const received = Buffer.from(signatureHeader.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', Buffer.from(secret, 'utf8')).update(rawBody).digest();
  // timingSafeEqual takes Buffers of equal length (it throws otherwise): compare the lengths first.
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) return null;
  const event = JSON.parse(rawBody.toString('utf8'));
  const sentAt = Date.parse(event.sent_at);
  if (!(Math.abs(now - sentAt) <= TOLERANCE_MS)) return null;
  return event;
}

module.exports = { verifyLowBalanceWebhook, TOLERANCE_MS };
