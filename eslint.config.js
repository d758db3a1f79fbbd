// Lint and architecture rules (STYLE.md #1, #14). The Nx module-boundary rule enforces the
// direction services -> libs -> protocol by project tags, so nobody has to remember it.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/** Which project may import which, by tag: services -> ops -> libs -> protocol, never back. */
const DEP_CONSTRAINTS = [
  { sourceTag: 'type:protocol', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:protocol'] },
  // The one consume pipeline stands on the Kafka port and the protocol only: the worker and the event bus stand on it, never the reverse.
  { sourceTag: 'scope:pipeline', onlyDependOnLibsWithTags: ['scope:kafka', 'scope:protocol'] },
  { sourceTag: 'type:deploy', onlyDependOnLibsWithTags: ['type:protocol', 'type:deploy'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:lib', 'type:protocol', 'type:deploy'] },
  // The operator engine sits above the domain libs (kafka, worker, events, protocol) and below the services.
  { sourceTag: 'type:ops', onlyDependOnLibsWithTags: ['type:lib', 'type:protocol'] },
  { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:ops', 'type:lib', 'type:protocol', 'type:deploy'] },
  { sourceTag: 'type:bench', onlyDependOnLibsWithTags: ['type:ops', 'type:lib', 'type:protocol', 'type:deploy', 'type:testing'] },
];

/**
 * Projects the testing lib (libs/testing) builds on. Their own tests use it too, which closes a
 * project-level cycle (kafka -> testing -> kafka) that is by design for tests and nowhere else.
 */
const TESTED_THROUGH_TESTING = ['kafka', 'kafka-local', 'events', 'protocol'];

/** The module-boundary rule over DEP_CONSTRAINTS, each source tag also allowed `extraTags`. */
function boundaries(extraTags = [], ignoredCircularDependencies = []) {
  const depConstraints = DEP_CONSTRAINTS.map((c) => ({ ...c, onlyDependOnLibsWithTags: [...new Set([...c.onlyDependOnLibsWithTags, ...extraTags])] }));
  return ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints, ignoredCircularDependencies }];
}

/**
 * STYLE.md rules that a tool checks: kebab-case file names (#9), files under 400 lines and
 * functions under 60 (#7), one public door without `export *` (#2), no behaviour switched on
 * NODE_ENV. A deliberate exception says why on an eslint-disable comment.
 */
const FILE_NAME = /^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*\.(ts|mts|js|mjs|cjs)$/;
const switchyard = {
  rules: {
    'file-name': {
      meta: { type: 'suggestion', schema: [], messages: { kebab: 'File name "{{name}}" is not kebab-case with a role suffix (STYLE.md #9), e.g. lane-scheduler.ts, worker.options.ts.' } },
      create(context) {
        const name = context.filename.split(/[\\/]/).pop() ?? '';
        return { Program(node) { if (!FILE_NAME.test(name)) context.report({ node, messageId: 'kebab', data: { name } }); } };
      },
    },
  },
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.data/**', '.nx/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.js'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': boundaries(),
    },
  },
  {
    files: ['{libs,services,deploy,bench}/**/*.{ts,mts,js,mjs}'],
    plugins: { switchyard },
    rules: {
      'switchyard/file-name': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'No `export *` (STYLE.md #2): a lib has one public door with named exports.' },
        {
          selector: "MemberExpression[object.type='MemberExpression'][object.object.name='process'][object.property.name='env'][property.name='NODE_ENV']",
          message: 'Do not switch behaviour on NODE_ENV (STYLE.md): pass the setting in explicitly.',
        },
      ],
    },
  },
  {
    // Sizes (STYLE.md #7) for production code; tests, their helpers and fixtures are exempt.
    files: ['{libs,services,deploy}/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.test-support.ts', '**/*-fixture.ts'],
    rules: {
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },
  {
    // Tests and their helpers may also use the testing lib (libs/testing) and the local broker
    // tooling (deploy/*); every other direction is enforced for them as for production code, so a
    // test helper cannot reach into another project's internals or import upward.
    files: ['**/*.test.ts', '**/*.test-support.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(['type:testing', 'type:deploy'], TESTED_THROUGH_TESTING.map((p) => [p, 'testing'])) },
  },
);
