import { SlidingWindow } from './sliding-window';

describe('SlidingWindow', () => {
  it('refuses the amount that goes over the limit within the window, and frees it as time passes', () => {
    const window = new SlidingWindow(10, 1000);
    expect(window.trySpend(6, 0)).toBe(true);
    expect(window.trySpend(4, 500)).toBe(true);
    expect(window.trySpend(1, 999)).toBe(false);
    expect(window.trySpend(6, 1000)).toBe(true); // the first 6 left the window
    expect(window.trySpend(1, 1400)).toBe(false);
    expect(window.trySpend(4, 1500)).toBe(true);
  });
});
