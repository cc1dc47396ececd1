import { UpstreamServerMessage, UpstreamWarning } from '@tts/protocol';
import { ReplyNumbering, isFlushLimitWarning, parseUpstreamReply, relayedWarning } from './upstream-replies';

describe(parseUpstreamReply.name, () => {
  it('reads JSON objects with a string type only', () => {
    expect(parseUpstreamReply('{"type":"Flushed","sequence_id":3}')).toEqual({ type: 'Flushed', sequence_id: 3 });
    for (const raw of ['null', '42', '"Flushed"', '{"type":', '', '{"type":7}', '{}']) {
      expect(parseUpstreamReply(raw)).toBeUndefined();
    }
  });
});

describe(isFlushLimitWarning.name, () => {
  const warning = (fields: object) => ({ type: 'Warning', ...fields }) as UpstreamServerMessage;

  it("recognises Deepgram's flush-limit code in either field, nothing else", () => {
    // The frame as Deepgram's service sends it: only warn_code/warn_msg.
    expect(
      isFlushLimitWarning(
        warning({ warn_code: 'EXCESSIVE_FLUSH', warn_msg: 'Rate limit exceeded for flushes. Please try again later.' }),
      ),
    ).toBe(true);
    expect(isFlushLimitWarning(warning({ code: 'EXCESSIVE_FLUSH', description: 'x' }))).toBe(true);
    expect(isFlushLimitWarning(warning({ code: 'SLOW_DOWN', description: 'too many flushes' }))).toBe(false);
    expect(isFlushLimitWarning(warning({ warn_code: 'SLOW_DOWN', warn_msg: 'EXCESSIVE_FLUSH' }))).toBe(false);
    expect(isFlushLimitWarning({ type: 'Flushed', sequence_id: 0 })).toBe(false);
  });
});

describe(relayedWarning.name, () => {
  const relay = (reply: object) => JSON.parse(relayedWarning(reply as UpstreamWarning, JSON.stringify(reply)));

  it('gives the client description and code, from warn_msg/warn_code when Deepgram sent only those', () => {
    expect(relay({ type: 'Warning', warn_code: 'EXCESSIVE_FLUSH', warn_msg: 'Slow down.' })).toEqual({
      type: 'Warning',
      description: 'Slow down.',
      code: 'EXCESSIVE_FLUSH',
      warn_code: 'EXCESSIVE_FLUSH',
      warn_msg: 'Slow down.',
    });
    expect(relay({ type: 'Warning' })).toEqual({ type: 'Warning', description: '', code: '' });
    expect(relay({ type: 'Warning', warn_code: 7, description: 'd' })).toEqual({
      type: 'Warning',
      warn_code: 7,
      description: 'd',
      code: '',
    });
  });

  it('passes a Warning that already has both fields through byte for byte', () => {
    const raw = '{"type":"Warning", "description":"d","code":"c","extra":1}';
    expect(relayedWarning(JSON.parse(raw), raw)).toBe(raw);
  });
});

describe(ReplyNumbering.name, () => {
  it('numbers Flushed and Cleared per session and lets one Metadata through', () => {
    const sut = new ReplyNumbering();
    expect(sut.metadata('{"a":1}')).toBe('{"a":1}');
    expect(sut.flushed()).toBe('{"type":"Flushed","sequence_id":0}');
    expect(sut.cleared()).toBe('{"type":"Cleared","sequence_id":0}');
    expect(sut.metadata('{"b":1}')).toBeUndefined();
    expect(sut.flushed()).toBe('{"type":"Flushed","sequence_id":1}');
    expect(sut.cleared()).toBe('{"type":"Cleared","sequence_id":1}');
  });
});
