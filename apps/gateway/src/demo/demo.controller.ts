import { Controller, Get, Header, NotFoundException } from '@nestjs/common';
import { readFile } from 'fs/promises';
import { join, resolve } from 'path';
import { DemoSettings } from './demo-settings';

// The page carries its script inline: a .js file here would be compiled to CommonJS by the build.
const PAGE_FILE = join(__dirname, 'demo-page.html');
// dist/client/ is built by `npm run build:client`; from dist/apps/... or from the sources (tests).
const BUNDLE_CANDIDATES = ['../../../../client', '../../../../dist/client'].map((dir) => resolve(__dirname, dir));

@Controller()
export class DemoController {
  constructor(private readonly settings: DemoSettings) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  page(): Promise<string> {
    if (!this.settings.pageEnabled) throw new NotFoundException();
    return readFile(PAGE_FILE, 'utf8');
  }

  @Get('client/tts-client.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  bundle(): Promise<string> {
    return firstReadable(BUNDLE_CANDIDATES.map((dir) => join(dir, 'tts-client.js')));
  }

  @Get('client/tts-client.js.map')
  @Header('Content-Type', 'application/json')
  @Header('Cache-Control', 'no-cache')
  bundleSourceMap(): Promise<string> {
    return firstReadable(BUNDLE_CANDIDATES.map((dir) => join(dir, 'tts-client.js.map')));
  }
}

async function firstReadable(paths: string[]): Promise<string> {
  for (const path of paths) {
    try {
      return await readFile(path, 'utf8');
    } catch {
      // try the next layout
    }
  }
  throw new NotFoundException('client bundle not built (npm run build:client)');
}
