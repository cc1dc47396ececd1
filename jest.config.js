/** Unit specs live beside the code (`*.spec.ts`); integration and e2e specs under test/ (`*.e2e-spec.ts`). */
const swc = JSON.parse(require('fs').readFileSync(`${__dirname}/.swcrc`, 'utf8'));

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testRegex: '(apps|libs|test|bench|scripts)/.*\\.(e2e-)?spec\\.tsx?$',
  transform: { '^.+\\.tsx?$': ['@swc/jest', { ...swc, swcrc: false, jsc: { ...swc.jsc, baseUrl: __dirname } }] },
  moduleNameMapper: {
    '^@tts/(protocol|audio|config|client)$': '<rootDir>/libs/$1/src',
    '^@tts/(protocol|audio|config|client)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  testTimeout: 30_000,
  maxWorkers: 2,
};
