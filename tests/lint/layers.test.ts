// The layers' direction is a lint rule (eslint.config.js): this proves the rule can fail, on a
// back-edge from each layer to each one above it, and lets a downward import through.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { PROJECT_ROOT } from '../../pipelines/db/connect.ts';

const eslint = new ESLint({ cwd: PROJECT_ROOT });
/** lowest first: each may import those before it */
const LAYERS = ['pipelines', 'indicators', 'api', 'dashboards', 'cli'];

async function restricted(from: string, to: string): Promise<string[]> {
  const code = `import { x } from '../../${to}/probe.ts';\nexport const y = x;\n`;
  const [result] = await eslint.lintText(code, {
    filePath: join(PROJECT_ROOT, from, 'sub/probe.ts'),
  });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layers', () => {
  for (const [i, layer] of LAYERS.entries()) {
    for (const [j, other] of LAYERS.entries()) {
      if (i === j) continue;
      const upward = j > i;
      it(`${layer} → ${other}: ${upward ? 'refused' : 'allowed'}`, async () => {
        const messages = await restricted(layer, other);
        if (upward) expect(messages.join('\n')).toContain(`${layer}/ is below`);
        else expect(messages).toEqual([]);
      });
    }
  }
});
