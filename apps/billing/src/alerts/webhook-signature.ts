import { createHmac } from 'crypto';

export const SIGNATURE_HEADER = 'X-TTS-Signature';

/** `sha256=<hex HMAC-SHA256 of the raw body>`: what receivers recompute over the bytes they got. */
export function webhookSignature(rawBody: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}
