// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Modules the pure core must never import: platform SDKs, storage, i18n, file system, clocks. */
const forbiddenInCore = [
  'discord.js',
  'grammy',
  'better-sqlite3',
  'i18next',
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'timers',
  'node:timers',
  'timers/promises',
  'node:timers/promises',
  'pino',
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: forbiddenInCore.map((name) => ({
            name,
            message: 'src/core is pure: pass what it needs in from src/app.',
          })),
          patterns: [
            { group: ['@grammyjs/*', '@discordjs/*'], message: 'src/core is pure.' },
            {
              group: ['**/app/**', '**/store/**', '**/bots/**'],
              message: 'src/core depends on nothing outside it.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'src/core has no timers: return an effect instead.' },
        { name: 'setInterval', message: 'src/core has no timers: return an effect instead.' },
        { name: 'fetch', message: 'src/core does no I/O.' },
        { name: 'process', message: 'src/core reads no environment: receive config as input.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use ctx.now: the core gets time as input.' },
        { object: 'Math', property: 'random', message: 'The core is deterministic.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Use ctx.now: the core gets time as input.',
        },
      ],
    },
  },
  {
    // Repositories implement asynchronous ports on synchronous better-sqlite3 calls: `async`
    // keeps their errors as rejections, as a PostgreSQL implementation's would be.
    files: ['src/store/**/*.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
