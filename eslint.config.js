// Lint rules that carry the architecture (docs/architecture.md, "Layers and their direction"): the
// dependency direction is enforced as import zones, so a layer that reaches the wrong way fails CI rather than review.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import pluginVue from 'eslint-plugin-vue';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const server = './apps/server/src';
const ioLibraries = ['pg', 'ioredis', 'fastify', '@fastify/*', 'ws', 'sockjs', '@electric-sql/pglite', 'sharp', 'file-type', 'jose', 'rate-limiter-flexible', 'node:fs', 'node:fs/promises', 'node:net', 'node:http'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', 'coverage/**', '**/*.d.ts', 'apps/web/public/**'] },
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/essential'],
  {
    // <script lang="ts"> in single-file components is read by the TypeScript parser.
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' } },
    // Components are imported by file, never registered by name, so one-word names cannot clash with HTML elements.
    rules: { 'vue/multi-word-component-names': 'off' },
  },
  {
    plugins: { 'import-x': importX },
    settings: {
      // Which files the import rules parse to follow imports (no-cycle needs the TypeScript ones).
      'import-x/extensions': ['.ts', '.mts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.mts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ["tsconfig.base.json", "apps/*/tsconfig.json", "packages/*/tsconfig.json"], noWarnOnMultipleProjects: true })],
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // A cycle makes module start-up order matter and hides which of two files owns a type.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: `${server}/domain`, from: server, except: ['./domain'], message: 'the domain imports nothing but the protocol' },
            { target: `${server}/ports`, from: server, except: ['./ports', './domain'], message: 'ports depend only on the domain' },
            {
              target: `${server}/services`,
              from: [`${server}/storage`, `${server}/realtime`, `${server}/gateways`, `${server}/http`, `${server}/media`, `${server}/app.ts`, `${server}/main.ts`],
              message: 'services reach backends only through ports',
            },
            { target: [`${server}/storage`, `${server}/realtime`], from: [`${server}/services`, `${server}/gateways`, `${server}/http`], message: 'backends implement ports; they do not call use cases or doors' },
            { target: [`${server}/gateways`, `${server}/http`], from: [`${server}/storage`, `${server}/realtime`, `${server}/media`], message: 'doors call services, never backends' },
            { target: [`${server}/gateways`], from: [`${server}/http`], message: 'doors are independent of each other' },
            { target: [`${server}/http`], from: [`${server}/gateways`], except: ['./upgrade-router.ts', './door.ts', './commands', './client-error.ts'], message: 'doors are independent of each other; REST shares only the command table and the error step' },
            {
              target: `${server}/auth`,
              from: server,
              except: ['./auth', './services', './ports', './domain'],
              message: 'auth verifies tokens and finds users through services; it knows no door or backend',
            },
            { target: `${server}/media`, from: server, except: ['./media', './ports', './domain'], message: 'media inspection implements a port and knows nothing else of ours' },
            {
              target: [`${server}/services`, `${server}/storage`, `${server}/realtime`, `${server}/media`],
              from: `${server}/auth`,
              message: 'only the doors and the composition root authenticate',
            },
            { target: [`${server}/storage`, `${server}/realtime`, `${server}/auth`], from: `${server}/media`, message: 'media inspection is reached through the MediaInspector port' },
            { target: `${server}/gateways/stomp`, from: `${server}/gateways/signalr`, message: 'the STOMP and SignalR doors are independent of each other' },
            { target: `${server}/gateways/signalr`, from: `${server}/gateways/stomp`, message: 'the STOMP and SignalR doors are independent of each other' },
            { target: './packages', from: './apps', message: 'packages never depend on apps' },
            { target: './packages/protocol', from: './packages/sdk', message: 'the protocol depends on nothing of ours' },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/server/src/domain/**/*.ts', 'apps/server/src/ports/**/*.ts', 'apps/server/src/services/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ioLibraries, message: 'the core knows no I/O library: put it behind a port' }] }] },
  },
  {
    files: ['packages/protocol/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'the protocol runs in browsers and mini-programs too' }] }] },
  },
  {
    files: ['packages/sdk/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'the SDK runs in browsers and mini-programs' }] }] },
  },
  {
    files: ['apps/web/src/components/**/*.{ts,vue}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@parley/sdk', message: 'components show state; the stores talk to the server' }],
          patterns: [{ group: ['**/chat-client', '**/chat-client.js', '**/chat-client.ts'], message: 'components show state; the stores talk to the server' }],
        },
      ],
    },
  },
  {
    // A switch over a union (delivery kinds, commands, error codes) must name every member, so a
    // new member is an error at each switch that forgot it. The rule needs type information,
    // which only the server's sources pay for.
    files: ['apps/server/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: false }] },
  },
  {
    files: ['**/*.test.ts', '**/test/**/*.ts', 'bench/**/*.ts', '**/e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
