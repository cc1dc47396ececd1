import { ValidateBy, ValidationOptions } from 'class-validator';
import { parseUnits } from '@tts/protocol';

/**
 * A JSON number is judged by its value as String() prints it: this short (15 significant digits) it is the
 * exact decimal, however the JSON wrote it (1e2 and 100 are the same number); tiny or huge values print with
 * an exponent and are refused.
 */
const NUMBER_AMOUNT = /^-?\d{1,9}(\.\d{1,6})?$/;
/** Larger or more precise amounts travel as decimal strings. */
const STRING_AMOUNT = /^-?\d{1,15}(\.\d{1,6})?$/;

export const CREDIT_AMOUNT_RULE =
  'amount must be a non-zero number of credits with at most 6 decimals: a JSON number of up to 9 integer digits ' +
  '(judged by its value, so 1e2 is 100), or a decimal string of plain digits of up to 15 integer digits ' +
  'such as "123456789012.5"';

/** The exact decimal text of a well-formed amount (zero included), else undefined. */
export function decimalText(value: unknown): string | undefined {
  if (typeof value === 'number') return NUMBER_AMOUNT.test(String(value)) ? String(value) : undefined;
  return typeof value === 'string' && STRING_AMOUNT.test(value) ? value : undefined;
}

/** The exact decimal text of a top-up amount, or undefined when it is not an acceptable amount (zero included). */
export function creditAmountText(value: unknown): string | undefined {
  const text = decimalText(value);
  return text !== undefined && parseUnits(text) !== 0n ? text : undefined;
}

/** Validates a top-up amount without ever handling it as a float. */
export function IsCreditAmount(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCreditAmount',
      validator: {
        validate: (value) => creditAmountText(value) !== undefined,
        defaultMessage: (args) =>
          decimalText(args?.value) !== undefined ? 'amount must not be 0' : CREDIT_AMOUNT_RULE,
      },
    },
    options,
  );
}
