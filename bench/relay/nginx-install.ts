import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Why the bench cannot run its nginx reference: one line, printed as is. */
export class NginxUnavailable extends Error {}

/** A program that can run: a regular file with an execute bit (a hidden or half-removed binary is not). */
function runnable(bin: string): boolean {
  try {
    accessSync(bin, constants.X_OK);
    return statSync(bin).isFile();
  } catch {
    return false;
  }
}

export interface InstallContext {
  /** Installing needs root; defaults to this process's uid. */
  root?: boolean;
  /** Where a private copy of Debian's nginx binary is unpacked when the installed one cannot run. */
  privateDir?: string;
}

/**
 * Debian counts nginx as installed but its binary is gone (removed by hand, or hidden): `apt-get install`
 * does nothing then, so unpack the package's binary into `dir` instead. Returns it, or undefined.
 */
function unpackPrivateCopy(dir: string, apt: (args: string[], cwd?: string) => { status: number | null }) {
  mkdirSync(dir, { recursive: true });
  if (apt(['download', '-qq', 'nginx'], dir).status !== 0) return undefined;
  const deb = readdirSync(dir).find((name) => /^nginx_.*\.deb$/.test(name));
  if (!deb) return undefined;
  spawnSync('dpkg-deb', ['-x', join(dir, deb), join(dir, 'root')], { stdio: 'ignore' });
  const bin = join(dir, 'root', 'usr', 'sbin', 'nginx');
  return runnable(bin) ? bin : undefined;
}

/**
 * The side-by-side reference needs nginx. When it is missing and installing is allowed (root, apt-get
 * on PATH, BENCH_INSTALL_NGINX not `false`), installs Debian's package; otherwise throws one clear line.
 * Never silently drops the nginx column. Returns the binary to run.
 */
export function ensureNginx(
  bin: string,
  env: NodeJS.ProcessEnv = process.env,
  { root = process.getuid?.() === 0, privateDir = join(tmpdir(), 'tts-bench-nginx') }: InstallContext = {},
): string {
  if (runnable(bin)) return bin;
  const hint = 'install nginx (apt-get install nginx) or point BENCH_NGINX_BIN at one';
  if (env.BENCH_INSTALL_NGINX === 'false') {
    throw new NginxUnavailable(`nginx not found at ${bin} and BENCH_INSTALL_NGINX=false: ${hint}`);
  }
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args: string[], cwd?: string) => spawnSync('apt-get', args, { env: aptEnv, cwd, stdio: 'ignore' });
  if (!root || apt(['--version']).error) {
    throw new NginxUnavailable(
      `nginx not found at ${bin} and cannot install it here (needs root and apt-get): ${hint}`,
    );
  }
  process.stderr.write(`[bench] nginx not found at ${bin}: installing Debian's nginx with apt-get\n`);
  const install = () => apt(['install', '-y', '-qq', 'nginx']);
  if (install().status !== 0) {
    apt(['update', '-qq']);
    install();
  }
  if (runnable(bin)) return bin;
  const privateCopy = join(privateDir, 'root', 'usr', 'sbin', 'nginx');
  const copy = runnable(privateCopy) ? privateCopy : unpackPrivateCopy(privateDir, apt);
  if (copy) return copy;
  throw new NginxUnavailable(`nginx could not be installed with apt-get (${bin} still missing): ${hint}`);
}
