import { UpstreamServerMessage } from '@tts/protocol';
import { ReplyNumbering, isFlushLimitWarning, parseUpstreamReply } from './upstream-replies';

describe(parseUpstreamReply.name, () => {
  it('reads JSON objects with a string type only', () => {
    expect(parseUpstreamReply('{"type":"Flushed","sequence_id":3}')).toEqual({ type: 'Flushed', sequence_id: 3 });
    for (const raw of ['null', '42', '"Flushed"', '{"type":', '', '{"type":7}', '{}']) {
      expect(parseUpstreamReply(raw)).toBeUndefined();
    }
  });
});

describe(isFlushLimitWarning.name, () => {
  const warning = (fields: object) =>
    ({ type: 'Warning', description: 'x', code: 'X', ...fields }) as UpstreamServerMessage;

  it("recognises Deepgram's flush-limit code in the current or the legacy field, nothing else", () => {
    expect(isFlushLimitWarning(warning({ code: 'FLUSH_LIMIT_EXCEEDED' }))).toBe(true);
    expect(isFlushLimitWarning(warning({ warn_code: 'FLUSH_LIMIT_EXCEEDED' }))).toBe(true);
    expect(isFlushLimitWarning(warning({ code: 'SLOW_DOWN', description: 'too many flushes' }))).toBe(false);
    expect(isFlushLimitWarning({ type: 'Flushed', sequence_id: 0 })).toBe(false);
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
