// One lint config for the whole tree: typescript-eslint's recommended rules, and the layers'
// direction as import rules, so that a back-edge fails `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers, lowest first: each may import those before it, never those after. pipelines/ reads
 * and stores figures; indicators/ computes on them; api/ serves both; dashboards/ renders the
 * API's services; cli/ is the composition root that wires them all (and nothing imports it).
 */
const LAYERS = ['pipelines', 'indicators', 'api', 'dashboards', 'cli'];

const layerRules = LAYERS.slice(0, -1).map((layer, i) => {
  const above = LAYERS.slice(i + 1);
  return {
    files: [`${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./)+(${above.join('|')})/`,
              message: `${layer}/ is below ${above.join(', ')}: it may not import from them (see eslint.config.js LAYERS)`,
            },
          ],
        },
      ],
    },
  };
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', 'tests/artifacts/**', '.bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  ...layerRules,
  {
    files: ['bin/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
