/**
 * Exact decimal arithmetic for credits: amounts travel as decimal strings and are computed as
 * BigInt counts of 10^-18 units, matching the ledger's numeric(38,18) columns. No JS floats.
 */
export const CREDIT_SCALE = 18;
const UNIT = 10n ** BigInt(CREDIT_SCALE);
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** '12.5' -> 12500000000000000000n; more than 18 decimals is refused rather than silently rounded. */
export function parseUnits(decimal: string): bigint {
  const m = DECIMAL.exec(decimal.trim());
  if (!m) throw new Error(`not a decimal number: ${decimal}`);
  const [, sign, whole, fraction = ''] = m;
  if (fraction.length > CREDIT_SCALE) throw new Error(`more than ${CREDIT_SCALE} decimals: ${decimal}`);
  const units = BigInt(whole) * UNIT + BigInt(fraction.padEnd(CREDIT_SCALE, '0'));
  return sign ? -units : units;
}

/** 12500000000000000000n -> '12.500000000000000000' (what Postgres numeric accepts exactly). */
export function formatUnits(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const whole = abs / UNIT;
  const fraction = (abs % UNIT).toString().padStart(CREDIT_SCALE, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** Integer division rounding half away from zero. */
export function divRound(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (2n * n + d) / (2n * d);
  return negative ? -q : q;
}

/** A stored decimal (e.g. '1.0000005', numeric text from Postgres) as a JSON number rounded to 6 decimals. */
export function toReportedNumber(decimal: string): number {
  const micro = divRound(parseUnits(decimal), 10n ** BigInt(CREDIT_SCALE - 6));
  return Number(micro) / 1e6;
}
