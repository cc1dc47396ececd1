/** Misbehaviour a test can ask of one emulated upstream connection. */
export interface Fault {
  /** Refuse the upgrade with this HTTP status (with dg-error / dg-request-id headers). */
  refuseStatus?: number;
  /** Destroy the TCP socket (no close frame) once this many audio bytes were sent. */
  dropAfterBytes?: number;
  /** Send a close frame once this many audio bytes were sent. */
  closeAfterBytes?: number;
  closeCode?: number;
  closeReason?: string;
  /**
   * Close (closeCode/closeReason) on reading the first Flush, which is dropped with its text: the
   * connection's close crossing that Flush on the network, as when Deepgram idle-closes just as it is sent.
   */
  closeOnFlush?: boolean;
  /**
   * After any close frame of the emulator's (a fault's, idle, lifetime, an error), read nothing for this
   * long and keep the connection open: Deepgram's close still on its way back across a network.
   */
  closeLingerMs?: number;
  /** Send audio in odd-sized chunks (splitting PCM16 samples across frames). */
  oddChunks?: boolean;
  /** Idle limit of this connection, overriding the emulator's. */
  idleMs?: number;
  /** Time to first byte of this connection, overriding the emulator's. */
  ttfbMs?: number;
  /** Answer this many Flushes with the flush-limit Warning, as if Deepgram counted differently from the gateway. */
  rejectFlushes?: number;
  /** Warnings carry only `warn_code`/`warn_msg`, as Deepgram's service sends them (default: those and `code`/`description`). */
  warnFieldsOnly?: boolean;
  /** This connection's limit windows, overriding the emulator's (tests that cannot wait a minute). */
  charsPerWindow?: number;
  charWindowMs?: number;
  flushLimit?: number;
  flushWindowMs?: number;
}

/** An injected fault and how many upcoming connections it applies to (default 1; Infinity: all). */
export interface InjectedFault extends Fault {
  connections?: number;
}

const int = (value: string | null): number | undefined => {
  if (value === null || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
};

/**
 * Faults carried by the upgrade URL, so a gateway whose DEEPGRAM_URL holds them gets faulty upstreams:
 * fault=refuse&fault_status=401, fault_drop_after_bytes, fault_close_after_bytes (+ fault_close_code,
 * fault_close_reason), fault_close_linger_ms, fault_close_on_flush=true, fault_warn_fields_only=true, fault_chunk=odd, fault_idle_ms, fault_ttfb_ms, and the limit windows
 * fault_chars_per_window, fault_char_window_ms, fault_flush_limit, fault_flush_window_ms.
 */
export function faultFromQuery(query: URLSearchParams): Fault {
  const fault: Fault = {
    refuseStatus: query.get('fault') === 'refuse' ? (int(query.get('fault_status')) ?? 503) : undefined,
    dropAfterBytes: int(query.get('fault_drop_after_bytes')),
    closeAfterBytes: int(query.get('fault_close_after_bytes')),
    closeCode: int(query.get('fault_close_code')),
    closeReason: query.get('fault_close_reason') ?? undefined,
    closeLingerMs: int(query.get('fault_close_linger_ms')),
    closeOnFlush: query.get('fault_close_on_flush') === 'true' || undefined,
    warnFieldsOnly: query.get('fault_warn_fields_only') === 'true' || undefined,
    oddChunks: query.get('fault_chunk') === 'odd' || undefined,
    idleMs: int(query.get('fault_idle_ms')),
    ttfbMs: int(query.get('fault_ttfb_ms')),
    charsPerWindow: int(query.get('fault_chars_per_window')),
    charWindowMs: int(query.get('fault_char_window_ms')),
    flushLimit: int(query.get('fault_flush_limit')),
    flushWindowMs: int(query.get('fault_flush_window_ms')),
  };
  return Object.fromEntries(Object.entries(fault).filter(([, v]) => v !== undefined)) as Fault;
}

/** Injected faults waiting for the next connections, first in first out. */
export class FaultQueue {
  private readonly pending: InjectedFault[] = [];

  push(fault: InjectedFault): void {
    this.pending.push({ ...fault, connections: fault.connections ?? 1 });
  }

  clear(): void {
    this.pending.length = 0;
  }

  /** The fault for a new connection (consuming one use of it), merged under the URL's own faults. */
  take(fromQuery: Fault): Fault {
    const next = this.pending[0];
    if (!next) return fromQuery;
    next.connections = (next.connections ?? 1) - 1;
    if (next.connections <= 0) this.pending.shift();
    const { connections: _connections, ...fault } = next;
    return { ...fault, ...fromQuery };
  }
}
