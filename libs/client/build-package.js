/**
 * Builds the npm package `@tts-gateway/client` into libs/client/dist/: ESM (.mjs) and CommonJS (.cjs) for
 * the SDK and the React hook, each with one self-contained .d.ts. The protocol and audio libs are bundled
 * in (the package has no runtime dependencies); React stays an optional peer.
 * `npm run build:sdk` at the root, or `npm pack` in libs/client (prepack).
 */
const { build } = require('esbuild');
const { generateDtsBundle } = require('dts-bundle-generator');
const { mkdirSync, rmSync, writeFileSync } = require('fs');
const { join, resolve } = require('path');

const ROOT = resolve(__dirname, '../..');
const OUT = join(__dirname, 'dist');
const ENTRIES = { index: 'src/index.ts', 'use-tts': 'src/use-tts.ts' };

const PACKAGE_NAME = require('./package.json').name;

/** The hook takes the SDK from the package's main entry, so an app holds one copy of TtsClient/TtsPlayer. */
const sdkFromPackage = {
  name: 'sdk-from-package',
  setup(build) {
    build.onResolve({ filter: /^\.\/(tts-client|tts-player|client-events|reconnect-backoff)$/ }, () => ({
      path: PACKAGE_NAME,
      external: true,
    }));
  },
};

async function buildClientPackage() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  for (const [name, source] of Object.entries(ENTRIES)) {
    for (const [format, extension] of [
      ['esm', 'mjs'],
      ['cjs', 'cjs'],
    ]) {
      await build({
        entryPoints: [join(__dirname, source)],
        outfile: join(OUT, `${name}.${extension}`),
        tsconfig: join(ROOT, 'tsconfig.json'),
        bundle: true,
        external: ['react'],
        plugins: name === 'use-tts' ? [sdkFromPackage] : [],
        format,
        platform: 'neutral',
        mainFields: ['module', 'main'],
        target: 'es2020',
        sourcemap: true,
        legalComments: 'none',
        logLevel: 'warning',
      });
    }
  }
  const declarations = generateDtsBundle(
    Object.values(ENTRIES).map((source) => ({
      filePath: join(__dirname, source),
      output: { noBanner: true, exportReferencedTypes: false },
    })),
    { preferredConfigPath: join(__dirname, 'tsconfig.build.json') },
  );
  Object.keys(ENTRIES).forEach((name, i) => writeFileSync(join(OUT, `${name}.d.ts`), declarations[i]));
  return OUT;
}

module.exports = { buildClientPackage };

if (require.main === module) {
  buildClientPackage().catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
}
