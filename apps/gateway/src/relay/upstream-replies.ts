/** A Deepgram text message, as far as the relay reads it. */
export interface UpstreamReply {
  type?: unknown;
  code?: unknown;
  description?: unknown;
  warn_code?: unknown;
  warn_msg?: unknown;
}

const MENTIONS_FLUSH = /flush/i;

/** A Deepgram text frame, or undefined when it is not a JSON object. */
export function parseUpstreamReply(raw: string): UpstreamReply | undefined {
  try {
    const reply: unknown = JSON.parse(raw);
    return typeof reply === 'object' && reply !== null ? reply : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Deepgram's answer to a Flush over its limit. The emulator says FLUSH_LIMIT_EXCEEDED; Deepgram's own
 * code is undocumented, so any Warning that mentions flushing counts.
 */
export function isFlushLimitWarning(reply: UpstreamReply): boolean {
  if (reply.type !== 'Warning') return false;
  return [reply.code, reply.description, reply.warn_code, reply.warn_msg].some(
    (field) => typeof field === 'string' && MENTIONS_FLUSH.test(field),
  );
}

/**
 * What the client sees of Deepgram's replies across reopened connections: one Metadata (the first),
 * and `Flushed`/`Cleared` sequence_ids counting from 0 per session, where each new upstream connection
 * would restart them at 0.
 */
export class ReplyNumbering {
  private flushed = 0;
  private cleared = 0;
  private metadataSent = false;

  /** The frame to send the client, or undefined to swallow it. */
  forClient(reply: UpstreamReply, raw: string): string | undefined {
    switch (reply.type) {
      case 'Flushed':
        return JSON.stringify({ ...reply, sequence_id: this.flushed++ });
      case 'Cleared':
        return JSON.stringify({ ...reply, sequence_id: this.cleared++ });
      case 'Metadata':
        if (this.metadataSent) return undefined;
        this.metadataSent = true;
        return raw;
      default:
        return raw;
    }
  }
}
