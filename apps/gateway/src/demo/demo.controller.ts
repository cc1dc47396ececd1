import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import type { ServerResponse } from 'http';
import { readDemoAsset, readDemoPage } from './demo-assets';
import { DemoSettings } from './demo-settings';

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
}
