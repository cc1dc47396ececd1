import { execFileSync } from 'child_process';
import { build } from 'esbuild';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..', '..');
const CLIENT_DIR = join(ROOT, 'libs', 'client');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** The app's own code, as a frontend developer writes it against the installed package. */
const APP_SOURCE = `import { TtsClient, TtsPlayer, VOICES } from '@tts-gateway/client';
import type { SessionConfigRequest } from '@tts-gateway/client';

const config: SessionConfigRequest = { model: VOICES[0].model, encoding: 'linear16', sample_rate: 24000 };
// The page's test harness drives the SDK through these (see play-once.ts).
(window as unknown as { sdk: unknown }).sdk = { TtsClient, TtsPlayer, config };
`;

/**
 * Type-checked only (the app installs no React): the hook's entry shares the main entry's types, so its
 * client is a TtsClient, and a rate_limited error's `dropped` count is typed.
 */
const HOOK_SOURCE = `import { ErrorCode, TtsClient } from '@tts-gateway/client';
import type { RateLimitedFrame, TtsError } from '@tts-gateway/client';
import { useTts } from '@tts-gateway/client/use-tts';

export function useSpeaker(): TtsClient | null {
  const tts = useTts({ companyId: 'acme', userId: 'u1', sessionId: 's1' });
  const client: TtsClient | null = tts.client;
  client?.on('error', (error: TtsError) => {
    const dropped: number | undefined = error.code === ErrorCode.RateLimited ? error.dropped : undefined;
    console.log(dropped);
  });
  const frame: RateLimitedFrame = { type: 'error', code: ErrorCode.RateLimited, message: 'dropped', dropped: 2 };
  console.log(frame.dropped);
  return client;
}
`;

/**
 * A consumer still on `moduleResolution: node` (node10, e.g. an older CommonJS project), which reads no
 * `exports`: both entries must resolve with their types through `types` and `typesVersions`.
 */
const NODE10_SOURCE = `import { TtsClient, TtsPlayer } from '@tts-gateway/client';
import { useTts } from '@tts-gateway/client/use-tts';
import type { UseTtsResult } from '@tts-gateway/client/use-tts';

export function useNode10Speaker(): TtsClient | null {
  const tts: UseTtsResult = useTts({ companyId: 'acme', userId: 'u1', sessionId: 's1' });
  const player: TtsPlayer | null = tts.player;
  console.log(player?.underruns);
  return tts.client;
}
`;

export interface PackedSdkApp {
  /** Folder outside the repository holding the app, its node_modules and the built files. */
  dir: string;
  /** The installed package's name and version, from its package.json in the app's node_modules. */
  installed: { name: string; version: string };
  /** What the built page needs: index.html and app.js. */
  files: Record<string, string>;
  /** Runs a CommonJS snippet in the app folder (Node resolving the package as a consumer would). */
  node(script: string): string;
  /** Type-checks node10.ts (both entries imported) with tsc under these options; throws with tsc's output. */
  typecheckNode10(options: string[]): void;
  remove(): void;
}

/**
 * `npm pack` of libs/client, installed from the tarball (offline: the package has no dependencies) into
 * a fresh app in a temp folder, type-checked with tsc and bundled with esbuild there.
 */
export async function createPackedSdkApp(): Promise<PackedSdkApp> {
  const dir = mkdtempSync(join(tmpdir(), 'tts-sdk-app-'));
  const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: 'pipe' });
  npm(['pack', '--silent', '--pack-destination', dir], CLIENT_DIR);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'my-tts-app', private: true, version: '1.0.0' }));
  npm(['install', `./${tarball}`, '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], dir);

  writeFileSync(join(dir, 'main.ts'), APP_SOURCE);
  writeFileSync(join(dir, 'speaker.ts'), HOOK_SOURCE);
  writeFileSync(join(dir, 'node10.ts'), NODE10_SOURCE);
  const strict = ['--noEmit', '--strict', '--target', 'es2020', '--module', 'esnext', '--moduleResolution', 'bundler'];
  const files = ['main.ts', 'speaker.ts'];
  execFileSync(process.execPath, [TSC, ...strict, '--lib', 'es2020,dom', ...files], { cwd: dir, stdio: 'pipe' });
  await build({
    absWorkingDir: dir,
    entryPoints: ['main.ts'],
    outfile: join(dir, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    logLevel: 'silent',
  });
  const installed = JSON.parse(
    readFileSync(join(dir, 'node_modules', '@tts-gateway', 'client', 'package.json'), 'utf8'),
  ) as PackedSdkApp['installed'];
  return {
    dir,
    installed,
    files: {
      '/': '<!doctype html><meta charset="utf-8"><title>my tts app</title><script type="module" src="/app.js"></script>',
      '/app.js': readFileSync(join(dir, 'app.js'), 'utf8'),
    },
    node: (script) => execFileSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8' }),
    typecheckNode10: (options) => {
      try {
        execFileSync(process.execPath, [TSC, ...options, 'node10.ts'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
      } catch (error) {
        const { stdout, stderr } = error as { stdout?: string; stderr?: string };
        throw new Error(`tsc failed:\n${stdout ?? ''}${stderr ?? ''}`);
      }
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
