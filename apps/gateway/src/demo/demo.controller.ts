import { Controller, Get, Header, NotFoundException } from '@nestjs/common';
import { readFile } from 'fs/promises';
import { join } from 'path';
import { DemoSettings } from './demo-settings';

// The page carries its script inline: a .js file here would be compiled to CommonJS by the build.
const PAGE_FILE = join(__dirname, 'demo-page.html');

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
}
