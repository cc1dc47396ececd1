/**
 * Bounded label values for upstream errors: Deepgram's reason strings carry request ids and free
 * text, so they are reduced to a class before they become a metric label.
 */
export const UPSTREAM_ERROR_CLASSES = [
  'network',
  'data',
  'too_large',
  'timeout',
  'unreachable',
  'auth',
  'refused',
  'other',
] as const;
export type UpstreamErrorClass = (typeof UPSTREAM_ERROR_CLASSES)[number];

// First match wins: Deepgram's own error families, then transport failures, then refused upgrades.
const RULES: readonly [UpstreamErrorClass, RegExp][] = [
  ['network', /\bNET-\d+|\b1011\b|\b1006\b|connection lost|socket hang up/i],
  ['data', /\bDATA-\d+|\b1008\b|\b1003\b/],
  ['too_large', /\bBIG-\d+|\b1009\b/],
  ['timeout', /timeout|timed out|ETIMEDOUT/i],
  ['unreachable', /ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|EPIPE/],
  ['auth', /\b40[13]\b|INVALID_AUTH|unauthori[sz]ed|forbidden|credentials/i],
  ['refused', /\b[45]\d\d\b/],
];

export function upstreamErrorClass(reason: string): UpstreamErrorClass {
  for (const [cls, pattern] of RULES) if (pattern.test(reason)) return cls;
  return 'other';
}
