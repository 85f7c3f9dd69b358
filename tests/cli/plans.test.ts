// `chitieu plans check|import|list`: a broken file is refused with exit 1 and every problem on a
// line of its own (file, path, Vietnamese then English); an import says what it did — a new
// plan, the next version, or nothing because the file is unchanged.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { main } from '../../cli/main.ts';
import { bufferIo, tempDir } from '../helpers.ts';

const plan = (value: unknown) => ({
  id: 'kh-thu-cli',
  document_no: null,
  title: 'Kế hoạch thử',
  issuer: 'UBND tỉnh',
  unit_code: '79',
  unit_name: 'Thành phố Hồ Chí Minh',
  issued_on: '2025-09-01',
  issued_on_text: null,
  parent_plan: 'qd-11-2026-bcdcp',
  report_due_day: 15,
  report_due_clause: 'IV',
  source: 'test',
  targets: [
    {
      id: 'hai-long',
      indicator: 'satisfaction_rate',
      measure: 'Mức độ hài lòng',
      scope: 'plan_unit',
      comparator: '>=',
      value,
      unit_of_measure: 'percent',
      window_start: '2025-09-01',
      deadline: '2026-12-31',
      clause: 'II.3',
      quote: 'đạt ít nhất 90%',
    },
  ],
});

describe('chitieu plans', () => {
  let dir: string;
  let cleanup: () => void;
  let db: string;
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  beforeAll(() => {
    ({ dir, cleanup } = tempDir());
    db = join(dir, 'chitieu.duckdb');
  });
  afterAll(() => cleanup());

  it('check: a broken file exits 1 with each problem and its path', async () => {
    const broken = stringify({ ...plan('90%'), report_due_day: 0, typo: true }).replace(
      'comparator: ">="',
      'comparator: "=>"',
    );
    const file = write('broken.yaml', broken);
    const io = bufferIo(db);
    expect(await main(['plans', 'check', file], io)).toBe(1);
    expect(io.stderr).toEqual([
      `${file}: report_due_day: phải ≥ 1 (must be >= 1): 0`,
      `${file}: targets.0.comparator: phải là một trong ">=", ">", "<=", "<" (expected one of ">=", ">", "<=", "<"): "=>"`,
      `${file}: targets.0.value: phải là một số (expected number): "90%"`,
      `${file}: typo: trường không có trong mẫu kế hoạch (unknown field)`,
      '4 problem(s) (lỗi) in 1 file(s)',
    ]);
  });

  it('check: a good file is valid, read against the shipped plans while there is no database', async () => {
    const io = bufferIo(db);
    expect(await main(['plans', 'check', write('good.yaml', stringify(plan(90)))], io)).toBe(0);
    expect(io.stdout[0]).toMatch(/^checked against the shipped plans/);
    expect(io.stdout[1]).toMatch(/kh-thu-cli valid — a new plan \(1 targets/);
  });

  it('import: version 1, then unchanged, then version 2 when a value changes', async () => {
    const good = join(dir, 'good.yaml');
    const first = bufferIo(db);
    expect(await main(['plans', 'import', good], first)).toBe(0);
    expect(first.stdout[0]).toMatch(/kh-thu-cli imported as version 1 \(1 targets/);
    expect(first.stderr.join('\n')).toMatch(/^init: database/);

    const again = bufferIo(db);
    expect(await main(['plans', 'import', good], again)).toBe(0);
    expect(again.stdout).toEqual([
      expect.stringMatching(
        /kh-thu-cli unchanged — version 1 has the same content \(sha256 [0-9a-f]{12}\); nothing written$/,
      ),
    ]);
    expect(again.stderr).toEqual([]);

    const v2 = write('good-v2.yaml', stringify(plan(95)));
    const check = bufferIo(db);
    expect(await main(['plans', 'check', v2], check)).toBe(0);
    expect(check.stdout[1]).toMatch(
      /would be version 2 \(now 1\): 1 changed \(kh-thu-cli\/hai-long\)/,
    );

    const second = bufferIo(db);
    expect(await main(['plans', 'import', v2], second)).toBe(0);
    expect(second.stdout[0]).toMatch(
      /kh-thu-cli imported as version 2 \(was 1\): 1 changed \(kh-thu-cli\/hai-long\)/,
    );
    expect(second.stdout[1]).toMatch(/^engine: \d+ target statuses, \d+ reporting rows/);
  });

  it('import: a bad file exits 1 and imports nothing; list shows the version kept', async () => {
    const io = bufferIo(db);
    const bad = write('bad.yaml', stringify({ ...plan(50), targets: [{ id: 'x' }] }));
    expect(await main(['plans', 'import', bad], io)).toBe(1);
    expect(io.stderr[0]).toBe(
      `${bad}: targets.0.indicator: thiếu trường bắt buộc (required field missing)`,
    );
    expect(io.stderr.at(-1)).toMatch(/nothing was imported/);

    const list = bufferIo(db);
    expect(await main(['plans', 'list'], list)).toBe(0);
    expect(list.stdout[0]).toMatch(/^plan +version +unit +document/);
    const row = list.stdout.find((l) => l.startsWith('kh-thu-cli '));
    expect(row).toMatch(/^kh-thu-cli +2 of 2 +79 +— +1 +0 +day 15 +\S+ \S+ cli:/);
    const json = bufferIo(db);
    expect(await main(['plans', 'list', '--json'], json)).toBe(0);
    const listed = JSON.parse(json.stdout.join('\n'));
    expect(listed.refresh_needed).toBeNull();
    expect(listed.plans.find((p: { plan_id: string }) => p.plan_id === 'kh-thu-cli')).toMatchObject(
      { version: 2, versions: 2, targets: 1 },
    );
  });

  it('answers usage mistakes with exit 2 and --help with exit 0', async () => {
    const io = bufferIo(db);
    expect(await main(['plans'], io)).toBe(2);
    expect(await main(['plans', 'import'], io)).toBe(2);
    expect(await main(['plans', 'check', join(dir, 'missing.yaml')], io)).toBe(2);
    expect(await main(['plans', 'list', 'x.yaml'], io)).toBe(2);
    const help = bufferIo(db);
    expect(await main(['plans', '--help'], help)).toBe(0);
    expect(help.stdout.join('\n')).toContain('chitieu plans import FILE');
  });
});
