import { UpstreamEnd, UpstreamListener } from './upstream-connection';
import { PooledListener } from './pooled-listener';

function recorder(): UpstreamListener & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    onUpstreamOpen: () => events.push('open'),
    onUpstreamAudio: (chunk) => events.push(`audio:${chunk.length}`),
    onUpstreamText: (raw) => events.push(`text:${raw}`),
    onUpstreamEnd: (end) => events.push(`end:${end.opened}`),
    onRelayFault: (error) => events.push(`fault:${error.message}`),
  };
}

const open = { announce: () => true };
const END = { opened: true } as UpstreamEnd;

describe(PooledListener.name, () => {
  it('tells the pool while pooled, and keeps the open-time frames for the session', () => {
    const pool = { pooledOpen: jest.fn(), pooledEnd: jest.fn() };
    const sut = new PooledListener(pool);

    sut.onUpstreamOpen();
    sut.onUpstreamText('{"type":"Metadata"}');
    sut.onUpstreamAudio(Buffer.alloc(4));
    sut.onUpstreamEnd(END);

    expect(pool.pooledOpen).toHaveBeenCalledTimes(1);
    expect(pool.pooledEnd).toHaveBeenCalledWith(END);
  });

  it('gives the session the open, then the kept frames, asynchronously, then everything live', async () => {
    const pool = { pooledOpen: jest.fn(), pooledEnd: jest.fn() };
    const sut = new PooledListener(pool);
    sut.onUpstreamOpen();
    sut.onUpstreamText('{"type":"Metadata"}');
    const session = recorder();

    sut.handTo(open, session);
    expect(session.events).toEqual([]);
    await Promise.resolve();
    sut.onUpstreamAudio(Buffer.alloc(6));
    sut.onUpstreamEnd(END);

    expect(session.events).toEqual(['open', 'text:{"type":"Metadata"}', 'audio:6', 'end:true']);
    expect(pool.pooledEnd).not.toHaveBeenCalled();
  });

  it('gives nothing to a session that already dropped the connection', async () => {
    const sut = new PooledListener({ pooledOpen: jest.fn(), pooledEnd: jest.fn() });
    const session = recorder();

    sut.handTo({ announce: () => false }, session);
    await Promise.resolve();

    expect(session.events).toEqual([]);
  });

  it("turns a throw in the session's open into a relay fault, not an unhandled error", async () => {
    const sut = new PooledListener({ pooledOpen: jest.fn(), pooledEnd: jest.fn() });
    const session = recorder();
    session.onUpstreamOpen = () => {
      throw new Error('bug');
    };

    sut.handTo(open, session);
    await Promise.resolve();

    expect(session.events).toEqual(['fault:bug']);
  });
});
