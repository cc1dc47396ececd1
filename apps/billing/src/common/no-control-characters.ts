import { Matches } from 'class-validator';

/** No control characters: Postgres refuses NUL in text, and none belongs in an id, a name or a URL. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const PRINTABLE = /^[^\x00-\x1f\x7f]*$/;

export const NoControlCharacters = (field: string) =>
  Matches(PRINTABLE, { message: `${field} must not contain control characters` });
