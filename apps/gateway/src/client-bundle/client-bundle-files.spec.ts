import { HttpException } from '@nestjs/common';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ClientBundleFiles } from './client-bundle-files';

describe('ClientBundleFiles', () => {
  let dir: string;
  let files: ClientBundleFiles;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tts-client-bundle-'));
    files = Object.assign(new ClientBundleFiles(), { dirs: [dir] });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const status = (error: unknown) => (error instanceof HttpException ? error.getStatus() : error);

  it('answers 404 when nothing is built', async () => {
    expect(status(await files.current().catch((e: unknown) => e))).toBe(404);
  });

  it('answers 404, not 500, when the script is there but its source map is missing', async () => {
    writeFileSync(join(dir, 'tts-client.js'), 'export {};');
    expect(status(await files.current().catch((e: unknown) => e))).toBe(404);
  });

  it('serves the script and map once both are there, with a version hash of both', async () => {
    writeFileSync(join(dir, 'tts-client.js'), 'export {};');
    writeFileSync(join(dir, 'tts-client.js.map'), '{"version":3}');
    const bundle = await files.current();
    expect(bundle.script.toString()).toBe('export {};');
    expect(bundle.sourceMap.toString()).toBe('{"version":3}');
    expect(bundle.version).toMatch(/^[0-9a-f]{16}$/);
  });
});
