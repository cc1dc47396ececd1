import { topSelfTime } from './profile-summary';

describe(topSelfTime.name, () => {
  it('ranks functions by self time and keeps idle time out of the busy share', () => {
    const frame = (functionName: string, url = ''): { functionName: string; url: string; lineNumber: number } => ({
      functionName,
      url,
      lineNumber: 9,
    });
    const profile = {
      startTime: 0,
      nodes: [
        { id: 1, callFrame: frame('(root)') },
        { id: 2, callFrame: frame('(idle)') },
        { id: 3, callFrame: frame('frame', 'file:///w/node_modules/ws/lib/sender.js') },
        { id: 4, callFrame: frame('relayAudio', 'file:///w/dist/apps/gateway/src/relay/relay.js') },
      ],
      samples: [2, 3, 4, 4, 2],
      timeDeltas: [0, 1000, 2000, 3000, 3000, 5000],
    };

    const sut = topSelfTime(profile, 5);

    expect(sut.idleMs).toBe(6);
    expect(sut.busyMs).toBe(8);
    expect(sut.rows[0]).toMatchObject({ name: 'relayAudio', where: 'apps/gateway/src/relay/relay.js:10', selfMs: 6 });
    expect(sut.rows[1]).toMatchObject({ name: 'frame', where: 'ws/lib/sender.js:10', selfMs: 2, share: 0.25 });
  });

  it('counts only the samples inside the measured window', () => {
    const profile = {
      startTime: 1000,
      nodes: [{ id: 1, callFrame: { functionName: 'startup', url: '', lineNumber: 0 } }],
      samples: [1, 1, 1],
      timeDeltas: [0, 500, 500, 500],
    };

    expect(topSelfTime(profile, 5, [1400, 2000]).busyMs).toBe(1);
  });
});
