import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import type { ServerResponse } from 'http';
import { readFile } from 'fs/promises';
import { join, resolve } from 'path';
import { readDemoAsset, readDemoPage } from './demo-assets';
import { DemoSettings } from './demo-settings';

// dist/client/ is built by `npm run build:client`; from dist/apps/... or from the sources (tests).
const BUNDLE_CANDIDATES = ['../../../../client', '../../../../dist/client'].map((dir) => resolve(__dirname, dir));

@Controller()
export class DemoController {
  constructor(private readonly settings: DemoSettings) {}

  /** The playground; what it shows about the deployment travels as attributes, so the page needs no inline script. */
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async page(): Promise<string> {
    if (!this.settings.pageEnabled) throw new NotFoundException();
    return (await readDemoPage())
      .replace('{{UPSTREAM}}', this.settings.upstream)
      .replace('{{CREDITS_PER_MINUTE}}', this.settings.creditsPerMinute);
  }

  @Get('demo/:name')
  async asset(@Param('name') name: string, @Res({ passthrough: true }) response: ServerResponse): Promise<string> {
    const asset = this.settings.pageEnabled ? await readDemoAsset(name) : undefined;
    if (!asset) throw new NotFoundException();
    response.setHeader('Content-Type', asset.type);
    response.setHeader('Cache-Control', 'no-cache');
    return asset.body;
  }

  /** Browsers ask for it on their own; the page's icon, so that is never a 404. */
  @Get('favicon.ico')
  async favicon(@Res({ passthrough: true }) response: ServerResponse): Promise<string> {
    return this.asset('favicon.svg', response);
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
