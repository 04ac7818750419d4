// Jest runs the TypeScript sources through ts-jest. bpmn-moddle 10 and its helpers ship only ESM,
// so they are transformed to CommonJS too (Jest's own ESM mode is still experimental).
const esmOnly = ['bpmn-moddle', 'moddle', 'moddle-xml', 'saxen', 'min-dash'];
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    [`node_modules/(${esmOnly.join('|')})/.+\\.js$`]: ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022' } }],
  },
  transformIgnorePatterns: [`node_modules/(?!(${esmOnly.join('|')})/)`],
  // The web UI is built once for the whole run (test/global-setup.ts).
  globalSetup: '<rootDir>/test/global-setup.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
