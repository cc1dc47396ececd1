import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsString, Matches } from 'class-validator';

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
