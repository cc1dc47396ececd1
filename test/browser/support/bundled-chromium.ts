import { execFile } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import { promisify } from 'util';

const ROOT = join(__dirname, '..', '..', '..');
const PACKAGE = '@sparticuz/chromium';

/**
 * The npm-shipped Chromium (brotli-compressed in node_modules, no install script needed), unpacked once per
 * version into node_modules/.cache. Unpacking goes to a private staging folder renamed into place, so
 * parallel test workers never launch a half-written binary.
 */
export async function bundledChromium(): Promise<{ executablePath: string; fontConfigPath: string }> {
  const manifest = join(ROOT, 'node_modules', PACKAGE, 'package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  const cacheRoot = join(ROOT, 'node_modules', '.cache');
  const target = join(cacheRoot, `sparticuz-chromium-${version}`);
  const result = { executablePath: join(target, 'chromium'), fontConfigPath: join(target, 'fonts') };
  if (existsSync(result.executablePath)) return result;

  mkdirSync(cacheRoot, { recursive: true });
  const staging = mkdtempSync(join(cacheRoot, 'sparticuz-chromium-staging-'));
  try {
    // The package unpacks into os.tmpdir(); a child process with TMPDIR=staging keeps that out of /tmp.
    await promisify(execFile)(
      process.execPath,
      [
        '-e',
        `require(${JSON.stringify(PACKAGE)}).executablePath().catch((e) => { console.error(e); process.exit(1); })`,
      ],
      { cwd: ROOT, env: { ...process.env, TMPDIR: staging } },
    );
    // Its fonts.conf names /tmp/fonts; ours names where the fonts really are.
    const fonts = join(target, 'fonts');
    writeFileSync(
      join(staging, 'fonts', 'fonts.conf'),
      `<?xml version="1.0"?>\n<fontconfig><dir>${fonts}</dir><cachedir>${join(target, 'fonts-cache')}</cachedir></fontconfig>\n`,
    );
    renameSync(staging, target);
  } catch (error) {
    // Another worker may have renamed its copy into place first; that copy is as good as ours.
    if (!existsSync(result.executablePath)) throw error;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return result;
}
