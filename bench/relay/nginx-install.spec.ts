import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NginxUnavailable, ensureNginx } from './nginx-install';

/**
 * The decision logic on a fresh machine. apt-get is a stand-in script on PATH here (the real one would
 * change the machine): it records its arguments and, for `install nginx`, puts a program at `bin`.
 */
describe('ensureNginx', () => {
  let dir: string;
  let bin: string;
  let env: NodeJS.ProcessEnv;
  const calls = () => readFileSync(join(dir, 'apt-calls'), 'utf8').trim().split('\n');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tts-nginx-install-'));
    bin = join(dir, 'sbin-nginx');
    const apt = join(dir, 'apt-get');
    writeFileSync(
      apt,
      `#!/bin/sh\necho "$*" >> ${dir}/apt-calls\n` +
        `case "$*" in *install*nginx*) printf '#!/bin/sh\\n' > ${bin}; chmod +x ${bin};; esac\n`,
    );
    chmodSync(apt, 0o755);
    env = { PATH: `${dir}:/usr/bin:/bin` };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('installs nginx with apt-get when it is missing and root may install', () => {
    expect(ensureNginx(bin, env, { root: true, privateDir: join(dir, 'private') })).toBe(bin);
    expect(calls()).toEqual(['--version', 'install -y -qq nginx']);
  });

  it('treats a binary that cannot run (hidden, not executable) as missing', () => {
    writeFileSync(bin, '');
    ensureNginx(bin, env, { root: true, privateDir: join(dir, 'private') });
    expect(calls()).toContain('install -y -qq nginx');
  });

  it('does nothing when nginx is there', () => {
    writeFileSync(bin, '#!/bin/sh\n');
    chmodSync(bin, 0o755);
    ensureNginx(bin, env, { root: false, privateDir: join(dir, 'private') });
    expect(() => calls()).toThrow();
  });

  it.each([
    [{ root: false }, {}, 'cannot install it here (needs root and apt-get)'],
    [{ root: true }, { BENCH_INSTALL_NGINX: 'false' }, 'BENCH_INSTALL_NGINX=false'],
    [{ root: true }, { PATH: '/nonexistent' }, 'cannot install it here (needs root and apt-get)'],
  ])('refuses with one clear line when it may not install (%j %j)', (context, extraEnv, reason) => {
    const run = () => ensureNginx(bin, { ...env, ...extraEnv }, { ...context, privateDir: join(dir, 'private') });
    expect(run).toThrow(NginxUnavailable);
    expect(run).toThrow(`nginx not found at ${bin}`);
    expect(run).toThrow(reason);
  });
});
