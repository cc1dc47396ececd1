import { rotated } from './simultaneous-runs';

describe('rotated (the order a simultaneous round starts its proxies in)', () => {
  it('turns the list left, so that over as many rounds as proxies each starts first once', () => {
    const names = ['nginx', 'node-pipe', 'gateway'];
    const firsts = [0, 1, 2].map((round) => rotated(names, round)[0]);
    expect(firsts).toEqual(['nginx', 'node-pipe', 'gateway']);
    expect(rotated(names, 1)).toEqual(['node-pipe', 'gateway', 'nginx']);
    expect(rotated(names, 4)).toEqual(rotated(names, 1));
    expect(rotated([], 3)).toEqual([]);
  });
});
