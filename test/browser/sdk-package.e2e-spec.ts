/**
 * The SDK as a frontend developer installs it: `npm pack` of libs/client installed into an app outside
 * the repository, type-checked and bundled there, then played in Chromium from the app's own origin.
 */
import { Browser } from 'playwright-core';
import { testAuthEnv, tokenFor } from '../support/tokens';
import { BrowserStack, startBrowserStack } from './support/browser-stack';
import { launchChromium } from './support/chromium';
import { PackedSdkApp, createPackedSdkApp } from './support/packed-sdk-app';
import { expectWholeUtterance, playOnce } from './support/play-once';
import { StaticSite, startStaticSite } from './support/static-site';

const TEXT = 'Installed from the tarball.';
const ROOT = `${__dirname}/../..`;

describe('SDK installed from its npm tarball', () => {
  let app: PackedSdkApp;
  let stack: BrowserStack;
  let browser: Browser;
  let site: StaticSite;

  beforeAll(async () => {
    // Each is kept as soon as it is up, so afterAll closes it even when another part fails (e.g. tsc).
    await Promise.all([
      createPackedSdkApp().then((a) => (app = a)),
      startBrowserStack('browser-package', testAuthEnv).then((s) => (stack = s)),
      launchChromium().then((b) => (browser = b)),
    ]);
    site = await startStaticSite(app.files);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await stack?.close();
    app?.remove();
  });

  it('installs as @tts-gateway/client outside the workspace, loading in CommonJS too', () => {
    expect(app.installed.name).toBe('@tts-gateway/client');
    expect(app.dir.startsWith(ROOT)).toBe(false);
    const resolved = app.node(
      "const sdk = require('@tts-gateway/client'); console.log(require.resolve('@tts-gateway/client'), typeof sdk.TtsClient, typeof sdk.TtsPlayer)",
    );
    expect(resolved.trim()).toBe(`${app.dir}/node_modules/@tts-gateway/client/dist/index.cjs function function`);
  });

  it('type-checks a consumer under moduleResolution node10 importing both entries (types and typesVersions)', () => {
    // node10 reads no `exports`: `@tts-gateway/client/use-tts` resolves through typesVersions alone.
    const node10 = ['--noEmit', '--strict', '--target', 'es2020', '--module', 'commonjs', '--lib', 'es2020,dom'];
    expect(() => app.typecheckNode10([...node10, '--moduleResolution', 'node10'])).not.toThrow();
  });

  it('ships the version and the changelog in the tarball', () => {
    const changelog = app.node(
      "const fs = require('fs'); const dir = require('path').dirname(require.resolve('@tts-gateway/client/package.json')); console.log(fs.readFileSync(dir + '/CHANGELOG.md', 'utf8'))",
    );
    expect(changelog).toContain(`## ${app.installed.version}`);
  });

  it('plays speech from the gateway in the built app through TtsClient and TtsPlayer', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${site.origin}/`);
      await page.waitForFunction(() => window.sdk !== undefined);
      const companyId = await stack.company('app');
      const token = await tokenFor(companyId, 'app-user');
      const played = await playOnce(
        page,
        { url: stack.origin, companyId, userId: 'app-user', sessionId: 'pkg', token },
        TEXT,
      );
      expectWholeUtterance(played, TEXT);
    } finally {
      await page.close();
    }
  });
});
