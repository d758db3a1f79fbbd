// Lint and architecture rules (STYLE.md #1, #14). The Nx module-boundary rule enforces the
// direction services -> libs -> protocol by project tags, so nobody has to remember it.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.data/**', '.nx/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.js'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
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
          ],
        },
      ],
    },
  },
  {
    // Tests may use the testing lib and the local broker tooling on top of their own project's rules.
    files: ['**/*.test.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    // Test helpers still inside a project's src/ (to move to libs/testing, STYLE.md #11); libs/ops has none left.
    files: ['**/*.test-support.ts'],
    ignores: ['libs/ops/**'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
);
