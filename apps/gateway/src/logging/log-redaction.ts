/** Paths pino must never print: credentials in headers and query strings. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["sec-websocket-protocol"]',
  'req.query.token',
  'res.headers["set-cookie"]',
];

/** A URL (path + query) with its `token` parameter masked, safe for a log line. */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url || !url.includes('token=')) return url;
  return url.replace(/([?&]token=)[^&#]*/g, '$1[redacted]');
}
