// ESLint: typescript-eslint's strict rules over the whole tree, and the import rules of
// docs/architecture.md (which folder may import which), so a layering mistake fails CI.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
/** Forbids relative imports (at any depth) of the given top-level folders of src/. */
const forbid = (folders, message) => restrict([{ regex: `^(\\.\\./)+(${folders.join('|')})/`, message }]);
const adaptersApart = 'Adapters do not import each other; what they share lives in src/http (docs/architecture.md).';
const consoleApart = 'The console is a client of the public API: it imports nothing from outside src/console (docs/architecture.md).';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'src/console/api/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: {
      // A `!` marks what an earlier check guarantees (and says so next to it).
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Input checks match control characters on purpose (NUL, C0 controls in names, paths and emails).
      'no-control-regex': 'off',
      // Layout is Prettier's; this rule would fight its line breaks in call chains.
      'no-unexpected-multiline': 'off',
      // SCIM resources are JSON objects; projection and PATCH remove attributes by name.
      '@typescript-eslint/no-dynamic-delete': 'off',
    },
  },
  // Tests read response bodies as loose JSON.
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  { files: ['src/org/**/*.ts'], rules: forbid(['api', 'scim', 'sso', 'http', 'console', 'operator'], 'The domain imports no adapter (docs/architecture.md).') },
  {
    files: ['src/db/**/*.ts', 'src/mail/**/*.ts', 'src/dns/**/*.ts'],
    rules: forbid(
      ['org', 'api', 'scim', 'sso', 'http', 'console', 'operator'],
      'Infrastructure imports neither the domain nor an adapter (docs/architecture.md).',
    ),
  },
  { files: ['src/scim/**/*.ts'], rules: forbid(['api', 'sso', 'console', 'operator'], adaptersApart) },
  { files: ['src/sso/**/*.ts'], rules: forbid(['api', 'scim', 'console', 'operator'], adaptersApart) },
  { files: ['src/api/**/*.ts'], rules: forbid(['scim', 'sso', 'console', 'operator'], adaptersApart) },
  {
    files: ['src/http/**/*.ts'],
    rules: forbid(['api', 'scim', 'sso', 'console', 'operator'], 'src/http is shared by the adapters and imports none of them (docs/architecture.md).'),
  },
  // Leaving src/console takes one more `../` than the file is deep inside it.
  ...[1, 2, 3, 4].map((depth) => ({
    files: [`src/console/${'*/'.repeat(depth - 1)}*.{ts,tsx}`],
    rules: restrict([{ regex: `^(\\.\\./){${depth}}`, message: consoleApart }]),
  })),
);
