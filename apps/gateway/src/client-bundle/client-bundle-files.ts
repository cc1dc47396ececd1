import { Injectable, NotFoundException } from '@nestjs/common';
import { createHash } from 'crypto';
import { readFile, stat } from 'fs/promises';
import { join, resolve } from 'path';

// dist/client/ is built by `npm run build:client`; from dist/apps/... or from the sources (tests).
const BUNDLE_DIRS = ['../../../../client', '../../../../dist/client'].map((dir) => resolve(__dirname, dir));

export interface ClientBundle {
  /** Content hash of the script and its source map: the path segment of the immutable URLs. */
  version: string;
  script: Buffer;
  sourceMap: Buffer;
}

/**
 * The built browser SDK (dist/client/tts-client.js and its map), read once per build: re-read only when
 * the file changes, so a rebuild is served without a restart and every version has a stable hash.
 */
@Injectable()
export class ClientBundleFiles {
  /** Where to look, first match wins; a test points it at a folder of its own. */
  dirs = BUNDLE_DIRS;
  private cached?: { path: string; mtimeMs: number; bundle: ClientBundle };

  async current(): Promise<ClientBundle> {
    for (const dir of this.dirs) {
      const path = join(dir, 'tts-client.js');
      const info = await stat(path).catch(() => undefined);
      if (!info) continue;
      if (this.cached?.path === path && this.cached.mtimeMs === info.mtimeMs) return this.cached.bundle;
      // A script without its map is a build cut short: not served, as if not built (404, never a 500).
      const read = await Promise.all([readFile(path), readFile(`${path}.map`)]).catch(() => undefined);
      if (!read) continue;
      const [script, sourceMap] = read;
      const version = createHash('sha256').update(script).update(sourceMap).digest('hex').slice(0, 16);
      this.cached = { path, mtimeMs: info.mtimeMs, bundle: { version, script, sourceMap } };
      return this.cached.bundle;
    }
    throw new NotFoundException('client bundle not built (npm run build:client)');
  }
}
