import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { DemoFiles } from './demo-assets';
import { DemoSettings } from './demo-settings';

const PAGE_DIR = join(__dirname, 'page');
const SCRIPTS = [
  'playground',
  'voice-picker',
  'utterance-log',
  'balance-panel',
  'code-panel',
  'guided-errors',
  'credit-math',
];

describe(DemoFiles.name, () => {
  const on = new DemoSettings(true, 'deepgram', '2.5');

  it('fills in the page once, with what it shows about the deployment', async () => {
    const files = await DemoFiles.load(on);
    expect(files.page).toContain('data-upstream="deepgram" data-credits-per-minute="2.5"');
    expect(files.page).not.toContain('{{');
  });

  it('serves every script under its .js name as the file on disk, with a content-hash ETag', async () => {
    const files = await DemoFiles.load(on);
    const etags = new Set<string>();
    for (const name of SCRIPTS) {
      const asset = files.asset(`${name}.js`)!;
      expect(asset.body).toBe(readFileSync(join(PAGE_DIR, `${name}.js.txt`), 'utf8'));
      expect(asset.type).toBe('text/javascript; charset=utf-8');
      expect(asset.etag).toMatch(/^"[\w-]{22}"$/);
      etags.add(asset.etag);
    }
    expect(etags.size).toBe(SCRIPTS.length);
    expect(files.asset('playground.css')!.type).toMatch(/^text\/css/);
    expect(files.asset('favicon.svg')!.type).toBe('image/svg+xml');
    // The same content gives the same ETag, so every gateway behind a balancer agrees.
    expect((await DemoFiles.load(on)).asset('playground.js')!.etag).toBe(files.asset('playground.js')!.etag);
  });

  it('knows no other name: not the stored file names, not paths, not Object properties', async () => {
    const files = await DemoFiles.load(on);
    for (const name of ['index.html', 'playground.js.txt', '../demo-assets.ts', '__proto__', 'constructor', '']) {
      expect(files.asset(name)).toBeUndefined();
    }
  });

  it('reads nothing when the page is off', async () => {
    const files = await DemoFiles.load(new DemoSettings(false), join(tmpdir(), 'no-such-demo-dir'));
    expect(files.page).toBeUndefined();
    expect(files.asset('playground.js')).toBeUndefined();
  });

  it('fails at load, not per request, when a page file is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tts-demo-page-'));
    try {
      writeFileSync(join(dir, 'index.html'), '<!doctype html>');
      await expect(DemoFiles.load(on, dir)).rejects.toThrow(/ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
