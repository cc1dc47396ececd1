/**
 * Builds the single-file ESM bundle for `<script type="module">` pages (served by the gateway at
 * /client/tts-client.js): the SDK, the worklet player and the protocol contract, without React.
 * `npm run build:client`; tests call buildClientBundle() so they never run a stale bundle.
 */
const { buildSync } = require('esbuild');
const { mkdirSync, renameSync, writeFileSync } = require('fs');
const { dirname, join, resolve } = require('path');

const ROOT = resolve(__dirname, '../..');
const CLIENT_BUNDLE_PATH = join(ROOT, 'dist/client/tts-client.js');

function buildClientBundle() {
  const result = buildSync({
    entryPoints: [join(__dirname, 'src/index.ts')],
    outfile: CLIENT_BUNDLE_PATH,
    tsconfig: join(ROOT, 'tsconfig.json'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
    write: false,
  });
  mkdirSync(dirname(CLIENT_BUNDLE_PATH), { recursive: true });
  // Write-then-rename: parallel test files may build while a gateway is serving the previous bundle.
  for (const file of result.outputFiles) {
    const partial = `${file.path}.${process.pid}.tmp`;
    writeFileSync(partial, file.contents);
    renameSync(partial, file.path);
  }
  return CLIENT_BUNDLE_PATH;
}

module.exports = { CLIENT_BUNDLE_PATH, buildClientBundle };

if (require.main === module) buildClientBundle();
