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
    // Tests and their helpers may also use the testing lib (libs/testing) and the local broker
    // tooling (deploy/*); every other direction is enforced for them as for production code, so a
    // test helper cannot reach into another project's internals or import upward.
    files: ['**/*.test.ts', '**/*.test-support.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(['type:testing', 'type:deploy'], TESTED_THROUGH_TESTING.map((p) => [p, 'testing'])) },
  },
);
