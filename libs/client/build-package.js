/**
 * Builds the npm package `@tts-gateway/client` into libs/client/dist/: ESM (.mjs) and CommonJS (.cjs) for
 * the SDK and the React hook, each with one self-contained .d.ts. The protocol and audio libs are bundled
 * in (the package has no runtime dependencies); React stays an optional peer.
 * `npm run build:sdk` at the root, or `npm pack` in libs/client (prepack).
 */
const { build } = require('esbuild');
const { generateDtsBundle } = require('dts-bundle-generator');
const ts = require('typescript');
const { mkdirSync, rmSync, writeFileSync } = require('fs');
const { join, resolve } = require('path');

const ROOT = resolve(__dirname, '../..');
const OUT = join(__dirname, 'dist');
const ENTRIES = { index: 'src/index.ts', 'use-tts': 'src/use-tts.ts' };

const PACKAGE_NAME = require('./package.json').name;
const TSCONFIG = join(__dirname, 'tsconfig.build.json');

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
  const [main] = generateDtsBundle(
    [{ filePath: join(__dirname, ENTRIES.index), output: { noBanner: true, exportReferencedTypes: false } }],
    {
      preferredConfigPath: TSCONFIG,
    },
  );
  writeFileSync(join(OUT, 'index.d.ts'), main);
  writeFileSync(join(OUT, 'use-tts.d.ts'), hookDeclarations());
  return OUT;
}

/**
 * The hook's .d.ts imports TtsClient, TtsPlayer and the other types from the main entry (as its code
 * does): a bundled copy would declare classes of its own, and `useTts().client` would not be a TtsClient.
 */
function hookDeclarations() {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    TSCONFIG,
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic() {} },
  );
  const entry = join(__dirname, ENTRIES['use-tts']);
  const options = {
    ...parsed.options,
    declaration: true,
    emitDeclarationOnly: true,
    noEmit: false,
    removeComments: false,
  };
  const program = ts.createProgram([entry], options);
  let text = '';
  const { emitSkipped } = program.emit(program.getSourceFile(entry), (_name, data) => (text = data), undefined, true);
  if (emitSkipped || !text) throw new Error('use-tts.d.ts: declaration emit failed');
  const rewritten = text.replace(
    /^import (type )?\{([^}]*)\} from '(\.\/[\w-]+|@tts\/protocol)';$/gm,
    (_line, _type, names) => `import type {${names}} from '${PACKAGE_NAME}';`,
  );
  const stray = rewritten.match(/from '(\.|@tts\/)[^']*'/);
  if (stray) throw new Error(`use-tts.d.ts still imports ${stray[0]}`);
  return rewritten;
}

module.exports = { buildClientPackage };

if (require.main === module) {
  buildClientPackage().catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
}
