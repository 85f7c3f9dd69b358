// Every rule a problem can carry reads in Vietnamese: the rules are found by reading the
// pipelines' sources (rule-literals.ts), so a new rule without a text fails here.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../pipelines/db/connect.ts';
import { problemFix, problemText, ruleText } from '../../pipelines/load/messages.ts';
import type { Problem } from '../../pipelines/load/problems.ts';
import { rulesIn, rulesUnder } from './rule-literals.ts';

const problem = (rule: string, extra: Partial<Problem> = {}): Problem => ({
  file: 'a.csv',
  row: 3,
  column: 'value',
  value: 'x',
  rule,
  message: `english for ${rule}`,
  severity: 'error',
  ...extra,
});

describe('problemText', () => {
  it('has a Vietnamese text and a fix for every rule in pipelines/', () => {
    const rules = rulesUnder(join(PROJECT_ROOT, 'pipelines'));
    // the scan finds the rules of every kind of source: builders, fields, unions and SQL
    for (const r of ['not_a_number', 'unknown_unit', 'count', 'out_of_memory', 'csv', 'period'])
      expect([...rules.keys()]).toContain(r);
    const missing = [...rules].filter(([r]) => ruleText(r) === null).map(([r, f]) => `${r} (${f})`);
    expect(missing).toEqual([]);
    for (const r of rules.keys()) expect(problemFix(problem(r), 'vi')).not.toBe('');
  });

  it('finds a rule however a source writes it', () => {
    const src = `
      errorAt(file, row, col(x, y), value, 'first_rule', \`msg \${a}\`);
      add(1, 'c', v, 'second_rule', 'm');
      const p = { rule: cond ? 'third_rule' : 'fourth_rule' };
      export type SomeRule = | 'fifth_rule' | 'sixth_rule';
      db.run(\`select part, line, column_name, value_raw, 'seventh_rule', null from t\`);
      fill({ rule: 'varchar' });`;
    expect([...rulesIn(src)].sort()).toEqual([
      'fifth_rule',
      'first_rule',
      'fourth_rule',
      'second_rule',
      'seventh_rule',
      'sixth_rule',
      'third_rule',
    ]);
  });

  it("prefers the problem's own Vietnamese, then the rule's, then a generic sentence", () => {
    expect(problemText(problem('count', { vi: 'số âm' }), 'vi')).toMatch(/^số âm\. Cách sửa: /);
    expect(problemText(problem('count'), 'vi')).toMatch(/^Số đếm phải là số nguyên/);
    expect(problemText(problem('csv_too_many_columns'), 'vi')).toMatch(/^Dòng CSV/);
    expect(problemText(problem('no_such_rule'), 'vi')).toBe(
      'Dữ liệu không hợp lệ (english for no_such_rule)',
    );
    expect(problemText(problem('no_such_rule'), 'en')).toBe('english for no_such_rule');
  });
});
