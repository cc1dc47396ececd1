import { UPSTREAM_FLUSH_LIMIT_WARNING_CODE, UpstreamServerMessage } from '@tts/protocol';

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

/** Deepgram's answer to a Flush over its limit, by its code (current or legacy field). */
export function isFlushLimitWarning(reply: UpstreamServerMessage): boolean {
  return (
    reply.type === 'Warning' &&
    (reply.code === UPSTREAM_FLUSH_LIMIT_WARNING_CODE || reply.warn_code === UPSTREAM_FLUSH_LIMIT_WARNING_CODE)
  );
}

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
