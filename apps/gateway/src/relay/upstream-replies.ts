import {
  RelayedWarning,
  UPSTREAM_FLUSH_LIMIT_WARNING_CODE,
  UpstreamServerMessage,
  UpstreamWarning,
} from '@tts/protocol';

/**
 * A Deepgram text frame, or undefined when it is not a JSON object with a string `type`. Fields are
 * not validated further: known types are read as declared, unknown ones are passed through verbatim.
 */
export function parseUpstreamReply(raw: string): UpstreamServerMessage | undefined {
  try {
    const reply: unknown = JSON.parse(raw);
    const typed = typeof reply === 'object' && reply !== null && typeof (reply as { type?: unknown }).type === 'string';
    return typed ? (reply as UpstreamServerMessage) : undefined;
  } catch {
    return undefined;
  }
}

/** Deepgram's answer to a Flush over its limit, by its code in either field (`warn_code` is what its service sends). */
export function isFlushLimitWarning(reply: UpstreamServerMessage): boolean {
  return (
    reply.type === 'Warning' &&
    (reply.warn_code === UPSTREAM_FLUSH_LIMIT_WARNING_CODE || reply.code === UPSTREAM_FLUSH_LIMIT_WARNING_CODE)
  );
}

/**
 * A Deepgram Warning for the client: verbatim when it has the `description` and `code` our protocol
 * promises, else with them filled from `warn_msg`/`warn_code` (Deepgram's service sends only those).
 */
export function relayedWarning(reply: UpstreamWarning, raw: string): string {
  if (typeof reply.description === 'string' && typeof reply.code === 'string') return raw;
  const warning: RelayedWarning = {
    ...reply,
    description: typeof reply.description === 'string' ? reply.description : text(reply.warn_msg),
    code: typeof reply.code === 'string' ? reply.code : text(reply.warn_code),
  };
  return JSON.stringify(warning);
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * What the client sees of Deepgram's replies across reopened connections: one Metadata (the first),
 * and `Flushed`/`Cleared` sequence_ids counting from 0 per session, where each new upstream connection
 * would restart them at 0.
 */
export class ReplyNumbering {
  private flushedCount = 0;
  private clearedCount = 0;
  private metadataSent = false;

  /** The next `Flushed` frame for the client. */
  flushed(): string {
    return JSON.stringify({ type: 'Flushed', sequence_id: this.flushedCount++ });
  }

  cleared(): string {
    return JSON.stringify({ type: 'Cleared', sequence_id: this.clearedCount++ });
  }

  /** The Metadata frame to pass on, or undefined after the first. */
  metadata(raw: string): string | undefined {
    if (this.metadataSent) return undefined;
    this.metadataSent = true;
    return raw;
  }
}
