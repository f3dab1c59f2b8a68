// Lint: ESLint's and typescript-eslint's recommended sets, type-aware, so promise misuse (a forgotten
// await, an async callback where a void one is expected) is caught in the async request path.
// Formatting is Prettier's alone (.prettierrc.json); neither recommended set has layout rules, so
// nothing here needs turning off for it.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig([
  { ignores: ['dist/', 'coverage/', '.tap/', 'data/', 'models/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // The root config files are not in tsconfig.json; the project service gives them a default program.
      parserOptions: { projectService: { allowDefaultProject: ['*.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': [
        'error',
        // tap tracks the promise t.test() returns (subtests run in order without an await); the convention is not to await it.
        { allowForKnownSafePromises: [{ from: 'package', package: '@tapjs/core', name: 'PromiseWithSubtest' }] },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // A caught reason passed on unchanged (typed unknown) is a rethrow, not a new non-Error rejection.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // Off: async functions without an await are deliberate where an interface returns a promise (the memory
      // store implements the same async store as Redis; tap callbacks), so a synchronous throw still rejects.
      '@typescript-eslint/require-await': 'off',
    },
  },
]);
