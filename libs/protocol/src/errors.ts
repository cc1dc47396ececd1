/** Error codes the gateway sends in `{"type":"error","code",...}` frames (PROTOCOL.md section 1). */
export enum ErrorCode {
  // Non-fatal: the session continues.
  InvalidJson = 'invalid_json',
  InvalidMessage = 'invalid_message',
  ConfigNotFirst = 'config_not_first',
  RateLimited = 'rate_limited',
  // Fatal: the error frame is followed by a close with the code below.
  InvalidRequest = 'invalid_request',
  Unauthorized = 'unauthorized',
  InsufficientCredits = 'insufficient_credits',
  Forbidden = 'forbidden',
  IdleTimeout = 'idle_timeout',
  TooManySessions = 'too_many_sessions',
  MessageTooLarge = 'message_too_large',
  UpstreamError = 'upstream_error',
  ServerShutdown = 'server_shutdown',
}

/** WebSocket close codes towards the client. */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  InternalError: 1011,
  InvalidRequest: 4400,
  Unauthorized: 4401,
  InsufficientCredits: 4402,
  Forbidden: 4403,
  IdleTimeout: 4408,
  TooManySessions: 4429,
} as const;

/** The close code of each fatal error; non-fatal codes are absent. */
export const FATAL_CLOSE_CODES: Readonly<Partial<Record<ErrorCode, number>>> = {
  [ErrorCode.InvalidRequest]: CloseCode.InvalidRequest,
  [ErrorCode.Unauthorized]: CloseCode.Unauthorized,
  [ErrorCode.InsufficientCredits]: CloseCode.InsufficientCredits,
  [ErrorCode.Forbidden]: CloseCode.Forbidden,
  [ErrorCode.IdleTimeout]: CloseCode.IdleTimeout,
  [ErrorCode.TooManySessions]: CloseCode.TooManySessions,
  [ErrorCode.MessageTooLarge]: CloseCode.MessageTooBig,
  [ErrorCode.UpstreamError]: CloseCode.InternalError,
  [ErrorCode.ServerShutdown]: CloseCode.GoingAway,
};

export function isFatal(code: ErrorCode): boolean {
  return FATAL_CLOSE_CODES[code] !== undefined;
}

export function closeCodeFor(code: ErrorCode): number {
  const close = FATAL_CLOSE_CODES[code];
  if (close === undefined) throw new Error(`${code} is not a fatal error`);
  return close;
}

/** Close codes after which a client must not reconnect on its own (the cause will not go away). */
export const NO_RECONNECT_CLOSE_CODES: readonly number[] = [
  CloseCode.InvalidRequest,
  CloseCode.Unauthorized,
  CloseCode.InsufficientCredits,
  CloseCode.Forbidden,
  CloseCode.TooManySessions,
];

/** A session-ending error; carries only a safe human message (never text, keys or tokens). */
export class SessionError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SessionError';
  }
}
