import { ReplyNumbering, isFlushLimitWarning, parseUpstreamReply } from './upstream-replies';

describe(parseUpstreamReply.name, () => {
  it('reads JSON objects only', () => {
    expect(parseUpstreamReply('{"type":"Flushed","sequence_id":3}')).toEqual({ type: 'Flushed', sequence_id: 3 });
    for (const raw of ['null', '42', '"Flushed"', '{"type":', '']) expect(parseUpstreamReply(raw)).toBeUndefined();
  });
});

describe(isFlushLimitWarning.name, () => {
  it('recognises a Warning that mentions flushing in any field, in any case', () => {
    expect(isFlushLimitWarning({ type: 'Warning', code: 'FLUSH_LIMIT_EXCEEDED', description: 'x' })).toBe(true);
    expect(isFlushLimitWarning({ type: 'Warning', code: 'W-0042', description: 'Too many flushes' })).toBe(true);
    expect(isFlushLimitWarning({ type: 'Warning', warn_msg: 'flush ignored' })).toBe(true);
    expect(isFlushLimitWarning({ type: 'Warning', code: 'SLOW_DOWN', description: 'rate' })).toBe(false);
    expect(isFlushLimitWarning({ type: 'Metadata', description: 'flush' })).toBe(false);
  });
});

describe(ReplyNumbering.name, () => {
  it('numbers Flushed and Cleared per session across connections and lets one Metadata through', () => {
    const sut = new ReplyNumbering();
    const pass = (reply: object) => sut.forClient(reply, JSON.stringify(reply));
    const metadata = { type: 'Metadata', request_id: 'a' };
    expect(pass(metadata)).toBe(JSON.stringify(metadata));
    expect(pass({ type: 'Flushed', sequence_id: 0 })).toBe('{"type":"Flushed","sequence_id":0}');
    expect(pass({ type: 'Cleared', sequence_id: 0 })).toBe('{"type":"Cleared","sequence_id":0}');
    // A reopened connection starts again from 0.
    expect(pass({ type: 'Metadata', request_id: 'b' })).toBeUndefined();
    expect(pass({ type: 'Flushed', sequence_id: 0 })).toBe('{"type":"Flushed","sequence_id":1}');
    expect(pass({ type: 'Cleared', sequence_id: 0 })).toBe('{"type":"Cleared","sequence_id":1}');
    expect(pass({ type: 'Warning', code: 'X' })).toBe('{"type":"Warning","code":"X"}');
  });
});
