// ESLint with typescript-eslint's type-checked rules (no floating promises, no misused promises),
// and the import rule of docs/adr/0003-application-layer.md: http → app → engine → store,
// jobs → app, connectors stand alone, nothing imports http; a business area's folder holds one
// file per layer (its http/ folder is HTTP code, its *-store.ts files are store code).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** An import of one of our top-level folders, from anywhere below src/. */
const folder = (...names) => ({
  regex: `^(\\.\\./)+(${names.join('|')})(/|$)`,
  message: `imports point http → app → engine → store (docs/adr/0003-application-layer.md)`,
});
/** Any import of HTTP code (src/http or an area's http/ folder). */
const anyHttp = { regex: '(^|/)http(/|$)', message: 'nothing imports http: only the composition root and the HTTP layer use it' };
const restrict = (...patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] });
const noExpress = { group: ['express', 'multer'], message: 'only the HTTP layer (src/http, areas/*/http) imports Express' };
const noKnex = { group: ['knex', 'better-sqlite3', 'pg'], message: 'only store code (src/store, areas/*/*-store.ts, migrations) speaks SQL' };
const noEngineLib = { group: ['bpmn-engine', 'bpmn-elements', 'bpmn-moddle'], message: 'only src/engine imports bpmn-engine and bpmn-moddle' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**', 'web/dist/**', '*.config.js', '*.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      // String(unknown) is how values of process variables are shown; it is deliberate here.
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['runner'] }],
      'no-console': 'error',
    },
  },
  { files: ['src/store/**/*.ts'], rules: restrict(folder('app', 'engine', 'http', 'jobs', 'areas', 'connectors'), anyHttp, noExpress, noEngineLib) },
  { files: ['src/engine/**/*.ts'], rules: restrict(folder('app', 'http', 'jobs', 'areas', 'connectors'), anyHttp, noExpress, noKnex) },
  { files: ['src/app/**/*.ts'], rules: restrict(folder('http', 'jobs', 'areas', 'connectors'), anyHttp, noExpress, noKnex, noEngineLib) },
  { files: ['src/jobs/**/*.ts'], rules: restrict(folder('http', 'engine', 'store', 'areas', 'connectors'), anyHttp, noExpress, noKnex, noEngineLib) },
  { files: ['src/connectors/**/*.ts'], rules: restrict(folder('app', 'engine', 'http', 'jobs', 'areas', 'store'), anyHttp, noExpress, noKnex, noEngineLib) },
  {
    files: ['src/http/**/*.ts'],
    rules: restrict(folder('store', 'engine', 'jobs', 'areas', 'connectors'), noKnex, noEngineLib),
  },
  {
    files: ['src/areas/*/http/**/*.ts'],
    rules: restrict(
      folder('store', 'engine', 'jobs', 'connectors'),
      { regex: '-store$', allowTypeImports: true, message: 'routes never touch a store: call the area use case (type imports of its records are fine)' },
      noKnex,
      noEngineLib,
    ),
  },
  {
    files: ['src/areas/**/*.ts'],
    ignores: [
      'src/areas/*/http/**',
      'src/areas/*/index.ts',
      'src/areas/index.ts',
      'src/areas/area.ts',
      'src/areas/*/*-store.ts',
      'src/areas/*/migrations/**',
      'src/areas/catalogue/keyed-upsert.ts',
    ],
    rules: restrict(folder('jobs'), anyHttp, noExpress, noKnex, noEngineLib),
  },
  {
    files: ['src/areas/*/*-store.ts', 'src/areas/catalogue/keyed-upsert.ts'],
    rules: restrict(folder('app', 'engine', 'http', 'jobs', 'connectors'), anyHttp, noExpress, noEngineLib),
  },
  {
    // A game server's record holds the status its provider answered (connectors/game-status.ts):
    // the store may name that type, and nothing else of the connectors.
    files: ['src/areas/game-servers/game-server-store.ts'],
    rules: restrict(
      folder('app', 'engine', 'http', 'jobs'),
      { regex: '^(\\.\\./)+connectors/(?!game-status$)', message: 'imports point http → app → engine → store (docs/adr/0003-application-layer.md)' },
      { regex: '^(\\.\\./)+connectors/game-status$', allowTypeImports: true, message: 'the store names the provider status type only (import type)' },
      anyHttp,
      noExpress,
      noEngineLib,
    ),
  },
  {
    // The contract is types inferred from the answer schemas of the HTTP layer; it knows nothing
    // of what produces the answers. (The web UI may only `import type` it: the block below.)
    files: ['src/contract/**/*.ts'],
    rules: restrict(
      folder('store', 'engine', 'app', 'jobs', 'connectors'),
      { regex: '^(\\.\\./)+areas/[^/]+/(?!http/)', message: "the contract is built from the areas' answer schemas (areas/*/http), not from their code" },
      noExpress,
      noKnex,
      noEngineLib,
    ),
  },
  {
    files: ['web/src/**/*.ts'],
    rules: restrict({
      regex: '(^@contract$|/src/contract(/|$))',
      allowTypeImports: true,
      message: 'the web UI takes types from the API contract, never code: use import type',
    }),
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/unbound-method': 'off', 'no-console': 'off' },
  },
);
