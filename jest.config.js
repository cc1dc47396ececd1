/** Unit specs live beside the code (`*.spec.ts`); integration and e2e specs under test/ (`*.e2e-spec.ts`). */
const swc = JSON.parse(require('fs').readFileSync(`${__dirname}/.swcrc`, 'utf8'));

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testRegex: '(apps|libs|test|bench|scripts)/.*\\.(e2e-)?spec\\.tsx?$',
  transform: {
    '^.+\\.tsx?$': ['@swc/jest', { ...swc, swcrc: false, jsc: { ...swc.jsc, baseUrl: __dirname } }],
    // jose 6 ships ESM only; jest (before Node 24.9) cannot require(esm), so compile it to CommonJS.
    '/node_modules/jose/.+\\.js$': ['@swc/jest', { swcrc: false, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleNameMapper: {
    '^@tts/(protocol|audio|config|client)$': '<rootDir>/libs/$1/src',
    '^@tts/(protocol|audio|config|client)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  // The run ends by checking that no test left usage jobs in the default `tts-usage` queue.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFiles: ['<rootDir>/test/support/register-worker.ts'],
  testTimeout: 30_000,
  maxWorkers: 2,
};
