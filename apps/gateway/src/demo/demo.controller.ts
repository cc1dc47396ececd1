import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import type { ServerResponse } from 'http';
import { DemoFiles } from './demo-assets';

@Controller()
export class DemoController {
  constructor(private readonly files: DemoFiles) {}

  /** The playground; what it shows about the deployment travels as attributes, so the page needs no inline script. */
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  page(): string {
    if (this.files.page === undefined) throw new NotFoundException();
    return this.files.page;
  }

  /**
   * Revalidated on every use (no-cache) against a content-hash ETag: a browser holding the current file
   * gets an empty 304 (express answers If-None-Match from the ETag set here), and a new build is seen at once.
   */
  @Get('demo/:name')
  asset(@Param('name') name: string, @Res({ passthrough: true }) response: ServerResponse): string {
    const asset = this.files.asset(name);
    if (!asset) throw new NotFoundException();
    response.setHeader('Content-Type', asset.type);
    response.setHeader('Cache-Control', 'no-cache');
    response.setHeader('ETag', asset.etag);
    return asset.body;
  }

  /** Browsers ask for it on their own; the page's icon, so that is never a 404. */
  @Get('favicon.ico')
  favicon(@Res({ passthrough: true }) response: ServerResponse): string {
    return this.asset('favicon.svg', response);
  }
}
