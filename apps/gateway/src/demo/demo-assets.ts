import { readFile } from 'fs/promises';
import { join } from 'path';

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
}

/** A page file by its public name, or undefined for any other name (no path is ever built from the request). */
export async function readDemoAsset(name: string): Promise<DemoAsset | undefined> {
  const asset = Object.prototype.hasOwnProperty.call(ASSETS, name) ? ASSETS[name] : undefined;
  if (!asset) return undefined;
  return { body: await readFile(join(PAGE_DIR, asset.file), 'utf8'), type: asset.type };
}

export function readDemoPage(): Promise<string> {
  return readFile(join(PAGE_DIR, 'index.html'), 'utf8');
}
