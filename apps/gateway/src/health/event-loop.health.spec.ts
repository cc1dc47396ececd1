import { HealthIndicatorService } from '@nestjs/terminus';
import { EventLoopHealthIndicator, MAX_EVENT_LOOP_STALL_MS } from './event-loop.health';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function blockEventLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // a handler that never yields: what a starved pod looks like
  }
}

describe(EventLoopHealthIndicator.name, () => {
  let sut: EventLoopHealthIndicator;

  beforeEach(() => {
    sut = new EventLoopHealthIndicator(new HealthIndicatorService());
    sut.onModuleInit();
  });
  afterEach(() => sut.onModuleDestroy());

  it('is up while the loop keeps up, down after a starved window, up again in the next one', async () => {
    await sleep(200);
    expect(sut.check('event_loop').event_loop.status).toBe('up');

    blockEventLoop(MAX_EVENT_LOOP_STALL_MS + 300);
    await sleep(50);
    const starved = sut.check('event_loop').event_loop;
    expect(starved.status).toBe('down');
    expect(starved.max_stall_ms).toBeGreaterThan(MAX_EVENT_LOOP_STALL_MS);

    await sleep(200);
    expect(sut.check('event_loop').event_loop.status).toBe('up');
  });
});
