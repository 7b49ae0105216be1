import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // wasm/ is AssemblyScript (its own types and decorators), compiled by scripts/build-wasm.ts.
  { ignores: ['dist/', 'node_modules/', 'coverage/', '**/*.html', 'wasm/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-eval': 'error',
      'no-new-func': 'error',
      'no-implied-eval': 'error',
    },
  },
  {
    // The CLI is a thin layer over the library: it reaches the library only through src/index.ts, so that
    // everything it does is something a library user can do too.
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(ingest|fit|predict|report|harness|util)(/|$)',
              message: 'the CLI imports the library only through src/index.ts',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests read the CLI's JSON output, whose shape they check field by field.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
