import { CHURN_TEXT, benchOptions } from './bench-options';

describe(benchOptions.name, () => {
  it('runs session churn in full mode only, unless told, over 10 s with a short text', () => {
    expect(benchOptions([]).churn).toEqual({ sessions: 1000, seconds: 10, text: CHURN_TEXT });
    expect(benchOptions(['--quick']).churn.sessions).toBe(0);
    expect(benchOptions(['--quick', '--churn-sessions=24', '--churn-seconds=1']).churn).toEqual({
      sessions: 24,
      seconds: 1,
      text: CHURN_TEXT,
    });
  });

  it('takes an empty churn text as the default one (the gateway refuses an empty Speak)', () => {
    expect(benchOptions(['--churn-text=']).churn.text).toBe(CHURN_TEXT);
    expect(benchOptions(['--churn-text=Buenos días.']).churn.text).toBe('Buenos días.');
  });

  it('refuses a negative session count with the option named', () => {
    expect(() => benchOptions(['--churn-sessions=-5'])).toThrow(
      '--churn-sessions must be a non-negative number, got -5',
    );
  });

  it('reaches the emulator in clear unless told --upstream-tls, which node-pipe (a byte pipe) cannot take part in', () => {
    expect(benchOptions([]).upstreamTls).toBe(false);
    expect(benchOptions(['--upstream-tls']).upstreamTls).toBe(true);
    expect(benchOptions(['--upstream-tls', '--simultaneous=nginx,gateway']).simultaneous.proxies).toEqual([
      'nginx',
      'gateway',
    ]);
    expect(() => benchOptions(['--upstream-tls', '--simultaneous=nginx,node-pipe'])).toThrow(
      '--upstream-tls: node-pipe forwards bytes unencrypted to a plain upstream; leave it out',
    );
  });

  it('compares proxies on the standard sessions unless told --simultaneous-churn', () => {
    expect(benchOptions(['--simultaneous=nginx,gateway']).simultaneous.churn).toBe(false);
    expect(benchOptions(['--simultaneous=nginx,gateway', '--simultaneous-churn']).simultaneous.churn).toBe(true);
  });
});
