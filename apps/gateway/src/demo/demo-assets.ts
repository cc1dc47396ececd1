import { createHash } from 'crypto';
import { readFile } from 'fs/promises';
import { join } from 'path';
import { DemoSettings } from './demo-settings';

/**
 * The page's files. Browser scripts are stored as `*.js.txt`: the build compiles every `.js` under apps/
 * to CommonJS, and these must reach the browser as the ES modules they are.
 */
const PAGE_DIR = join(__dirname, 'page');

const JS = 'text/javascript; charset=utf-8';
const ASSETS: Readonly<Record<string, { file: string; type: string }>> = {
  'playground.css': { file: 'playground.css', type: 'text/css; charset=utf-8' },
  'favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
  ...Object.fromEntries(
    ['playground', 'voice-picker', 'utterance-log', 'balance-panel', 'code-panel', 'guided-errors', 'credit-math'].map(
      (name) => [`${name}.js`, { file: `${name}.js.txt`, type: JS }],
    ),
  ),
};

export interface DemoAsset {
  body: string;
  type: string;
  /** Strong validator of the body (a content hash): the same on every gateway serving the same build. */
  etag: string;
}

/**
 * The playground and its files, read once when the gateway starts with DEMO_PAGE=true and served from
 * memory: a missing file stops the boot instead of failing requests. With the page off nothing is read.
 */
export class DemoFiles {
  private constructor(
    /** index.html with what it shows about the deployment filled in; undefined when the page is off. */
    readonly page: string | undefined,
    private readonly assets: ReadonlyMap<string, DemoAsset>,
  ) {}

  static async load(settings: DemoSettings, dir = PAGE_DIR): Promise<DemoFiles> {
    if (!settings.pageEnabled) return new DemoFiles(undefined, new Map());
    const [html, ...bodies] = await Promise.all([
      readFile(join(dir, 'index.html'), 'utf8'),
      ...Object.values(ASSETS).map((asset) => readFile(join(dir, asset.file), 'utf8')),
    ]);
    const assets = new Map(
      Object.entries(ASSETS).map(([name, { type }], i) => [name, { body: bodies[i], type, etag: etagOf(bodies[i]) }]),
    );
    const page = html
      .replace('{{UPSTREAM}}', settings.upstream)
      .replace('{{CREDITS_PER_MINUTE}}', settings.creditsPerMinute);
    return new DemoFiles(page, assets);
  }

  /** A page file by its public name, or undefined for any other name (no path is ever built from the request). */
  asset(name: string): DemoAsset | undefined {
    return this.assets.get(name);
  }
}

function etagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
}
