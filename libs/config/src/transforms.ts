import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsString, Matches, ValidateBy } from 'class-validator';

/** 'true'/'1'/'yes' -> true; 'false'/'0'/'no' -> false; anything else stays a string and fails @IsBoolean. */
export const ToBoolean = () =>
  Transform(({ value }) => {
    if (typeof value !== 'string') return value;
    const v = value.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(v)) return true;
    if (['false', '0', 'no'].includes(v)) return false;
    return value;
  });

/** Numeric strings -> numbers; anything else is left for the validators to reject. */
export const ToNumber = () =>
  Transform(({ value }) =>
    typeof value === 'string' && value.trim() !== '' && !isNaN(Number(value)) ? Number(value) : value,
  );

/** 'a, b,c' -> ['a','b','c'] */
export const ToList = () =>
  Transform(({ value }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : value,
  );

/** A comma-separated list of browser origins (scheme://host[:port]); a malformed entry fails at boot. */
export const IsOriginList = () =>
  applyDecorators(
    ToList(),
    IsString({ each: true }),
    Matches(/^https?:\/\/[^/\s?#]+\/?$/, {
      each: true,
      message: 'each entry must be an origin such as https://app.example.com',
    }),
  );

/** The longest delay a Node.js timer takes: beyond it the timer fires at once (TimeoutOverflowWarning). */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * A URL its client library will parse: one of `protocols`, a host, and percent-escapes that decode (a
 * stray `%` makes Node's URL or the Postgres driver throw at startup, printing the URL with its password).
 * The message names the rule, never the value.
 */
export const IsServiceUrl = (protocols: readonly string[], example: string) =>
  ValidateBy({
    name: 'isServiceUrl',
    validator: {
      validate: (value) => typeof value === 'string' && serviceUrlOk(value, protocols),
      defaultMessage: () => `must be a URL such as ${example} (percent-escapes such as %40 for @ in a password)`,
    },
  });

function serviceUrlOk(value: string, protocols: readonly string[]): boolean {
  try {
    const url = new URL(value);
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
    decodeURIComponent(url.pathname);
    return protocols.includes(url.protocol) && url.hostname !== '';
  } catch {
    return false;
  }
}
