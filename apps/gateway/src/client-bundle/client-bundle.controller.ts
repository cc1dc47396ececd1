import { Controller, Get, NotFoundException, Param, Res, StreamableFile } from '@nestjs/common';
import { ClientBundle, ClientBundleFiles } from './client-bundle-files';

/** Short enough that a deploy reaches pages within minutes; the versioned URL is for caching for good. */
const CONVENIENT_CACHE = 'public, max-age=300';
const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
/** The one thing these handlers need from the platform's (express) response. */
interface Response {
  setHeader(name: string, value: string): unknown;
}

const SCRIPT_TYPE = 'text/javascript; charset=utf-8';
const MAP_TYPE = 'application/json; charset=utf-8';

/**
 * The browser SDK as a public, credential-free asset that any origin may import:
 * /client/tts-client.js (latest, short-cached, `Link` names its immutable URL) and
 * /client/<version>/tts-client.js (content-hashed, cached for a year), each with its source map.
 */
@Controller('client')
export class ClientBundleController {
  constructor(private readonly files: ClientBundleFiles) {}

  @Get('tts-client.js')
  async script(@Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const bundle = await this.files.current();
    res.setHeader('Link', `</client/${bundle.version}/tts-client.js>; rel="canonical"`);
    return send(res, SCRIPT_TYPE, CONVENIENT_CACHE, bundle.script);
  }

  @Get('tts-client.js.map')
  async sourceMap(@Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    return send(res, MAP_TYPE, CONVENIENT_CACHE, (await this.files.current()).sourceMap);
  }

  @Get(':version/tts-client.js')
  async versionedScript(@Param('version') version: string, @Res({ passthrough: true }) res: Response) {
    return send(res, SCRIPT_TYPE, IMMUTABLE_CACHE, (await this.exactly(version)).script);
  }

  @Get(':version/tts-client.js.map')
  async versionedSourceMap(@Param('version') version: string, @Res({ passthrough: true }) res: Response) {
    return send(res, MAP_TYPE, IMMUTABLE_CACHE, (await this.exactly(version)).sourceMap);
  }

  /** An immutable URL must never serve other content: an old or unknown version is a 404. */
  private async exactly(version: string): Promise<ClientBundle> {
    const bundle = await this.files.current();
    if (version !== bundle.version) throw new NotFoundException(`client bundle version ${version} is not served here`);
    return bundle;
  }
}

function send(res: Response, type: string, cacheControl: string, body: Buffer): StreamableFile {
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', cacheControl);
  // A public script without credentials: pages on any origin (a dev server, a customer's site) may load it.
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  return new StreamableFile(body);
}
