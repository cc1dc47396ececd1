import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { ProcSampler } from './proc-sampler';

/** A process that keeps one CPU busy, confined to CPU 0. */
function spinner(): ChildProcess {
  return spawn('taskset', ['-c', '0', process.execPath, '-e', 'for (;;) {}'], { stdio: 'ignore' });
}

describe(ProcSampler.name, () => {
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    }
  });

  it('measures the time a process waited for a CPU: three busy processes sharing one core', async () => {
    children.push(spinner(), spinner(), spinner());
    await new Promise((resolve) => setTimeout(resolve, 200)); // both running and spinning
    const sampler = new ProcSampler(children[0].pid!, 100);
    sampler.start();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const usage = sampler.stop();
    // Each runs about a third of the time and waits the rest (whatever else the machine runs only adds
    // to the wait): the wait is not the CPU time, which the same file also holds.
    expect(usage.cpuPercent).toBeLessThan(50);
    expect(usage.waitPercent).toBeGreaterThan(50);
    expect(usage.waitPercent).toBeGreaterThan(usage.cpuPercent);
  });

  it('reports nothing, not zero, for a process that is gone', async () => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await once(child, 'exit');
    const sampler = new ProcSampler(child.pid!, 100);
    sampler.start();
    const usage = sampler.stop();
    expect(usage.waitPercent).toBeNaN();
    expect(usage.cpuPercent).toBeNaN();
  });
});
