/**
 * How an upstream connection ended, as structured facts: the client's error message and the metric
 * label are both derived from it, never parsed back out of prose.
 */
export type UpstreamEndKind =
  /** Deepgram answered the upgrade with an HTTP error (`dg-error` header). */
  | 'refused'
  /** No TCP/TLS connection (DNS, refused, reset) before the upgrade completed. */
  | 'unreachable'
  /** The upgrade did not complete within the connect timeout. */
  | 'timeout'
  /** Deepgram sent a close frame (its code and reason, e.g. 1008 DATA-0001). */
  | 'closed'
  /** The open connection vanished without a close frame (1006). */
  | 'lost';

export interface UpstreamFailure {
  kind: UpstreamEndKind;
  /** Close code of an opened connection (1006 when it was lost). */
  closeCode?: number;
  /** HTTP status of a refused upgrade. */
  httpStatus?: number;
  /** Deepgram's `dg-error` header of a refused upgrade. */
  dgError?: string;
  /**
   * Deepgram's close reason (e.g. NET-0001), a socket error's code (ECONNREFUSED) or our own short words;
   * what the client reads, so never a key, a host or an address.
   */
  reason: string;
  /** The socket error's full text (it names hosts and addresses): for our log only, never the client. */
  detail?: string;
}

/** Close codes after which a reconnect would silently lose what Deepgram rejected (1003, 1008, 1009). */
const UNRESTORABLE_CLOSE_CODES: readonly number[] = [1003, 1008, 1009];

/**
 * Whether a fresh connection may take over transparently: the old one opened, owed nothing, and was
 * not closed for something we sent (idle NET-0001, lifetime NET-0003, a plain 1000, a drop).
 */
export function isRestorable(failure: UpstreamFailure, opened: boolean, answersOwed: boolean): boolean {
  return opened && !answersOwed && !UNRESTORABLE_CLOSE_CODES.includes(failure.closeCode ?? 0);
}

/**
 * Deepgram refused the upgrade because the project is at its concurrency limit (HTTP 429, "Too Many
 * Requests"): a slot frees as other streams end, so the open is worth retrying after a short wait.
 */
export function isBusyRefusal(failure: UpstreamFailure): boolean {
  return failure.kind === 'refused' && failure.httpStatus === 429;
}

/** Bounded metric label values: one per class of failure. */
export const UPSTREAM_FAILURE_LABELS = [
  'network',
  'data',
  'too_large',
  'timeout',
  'unreachable',
  'auth',
  'refused',
  'other',
] as const;
export type UpstreamFailureLabel = (typeof UPSTREAM_FAILURE_LABELS)[number];

const LABEL_BY_CLOSE_CODE: Readonly<Record<number, UpstreamFailureLabel>> = {
  1003: 'data',
  1008: 'data',
  1009: 'too_large',
  1011: 'network',
  1006: 'network',
  1001: 'network',
};

export function upstreamFailureLabel(failure: UpstreamFailure): UpstreamFailureLabel {
  switch (failure.kind) {
    case 'refused':
      return failure.httpStatus === 401 || failure.httpStatus === 403 ? 'auth' : 'refused';
    case 'unreachable':
    case 'timeout':
      return failure.kind;
    case 'lost':
      return 'network';
    case 'closed':
      return LABEL_BY_CLOSE_CODE[failure.closeCode ?? 0] ?? 'other';
  }
}

/** The `upstream_error` message the client reads: Deepgram's code and reason, or the HTTP status and dg-error. */
export function upstreamFailureMessage(failure: UpstreamFailure): string {
  switch (failure.kind) {
    case 'refused':
      return `Deepgram refused the connection (HTTP ${failure.httpStatus}): ${failure.dgError ?? failure.reason}`;
    case 'unreachable':
    case 'timeout':
      return `could not connect to Deepgram: ${failure.reason}`;
    case 'lost':
      return `Deepgram connection lost (${failure.closeCode ?? 1006} ${failure.reason})`;
    case 'closed':
      return `Deepgram closed the connection (${failure.closeCode}${failure.reason ? ` ${failure.reason}` : ''})`;
  }
}
