// Plan files refused with their path: a target's declared measure, its unit and the target it
// adopts are checked on each plan and across the set, before anything is stored. Each problem
// reads in Vietnamese first, the English in brackets (indicators/plans/messages.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadCatalogue } from '../../indicators/catalogue/load.ts';
import { decodePlanFile, loadPlans, readPlan } from '../../indicators/plans/load.ts';
import { formatProblem } from '../../indicators/plans/messages.ts';
import { DefinitionError } from '../../indicators/definitions.ts';
import { tempDir } from '../helpers.ts';

const catalogue = loadCatalogue();
const { dir, cleanup } = tempDir();
afterAll(() => cleanup());

const target = (over: Record<string, unknown>) => ({
  id: 't1',
  indicator: null,
  measure: 'đo',
  scope: 'plan_unit',
  comparator: '>=',
  value: 100,
  unit_of_measure: 'percent',
  window_start: '2024-01-01',
  deadline: '2024-12-31',
  clause: 'I.1',
  quote: 'như in',
  ...over,
});

const plan = (id: string, unit: string, targets: unknown[]) => ({
  id,
  document_no: null,
  title: id,
  issuer: 'UBND',
  unit_code: unit,
  unit_name: unit,
  issued_on: '2024-01-01',
  issued_on_text: null,
  parent_plan: null,
  report_due_day: null,
  report_due_clause: null,
  source: 'test',
  targets,
});

let n = 0;
/** Loads these plans from a folder of their own; the problems of the first refused file. */
function problems(...plans: unknown[]): string[] {
  const folder = join(dir, String(n++));
  mkdirSync(folder);
  for (const p of plans) {
    writeFileSync(join(folder, `${(p as { id: string }).id}.yaml`), stringify(p));
  }
  try {
    loadPlans(catalogue, folder);
    return [];
  } catch (error) {
    if (!(error instanceof DefinitionError)) throw error;
    return error.problems;
  }
}

const inspected = {
  id: 'agencies_inspected_x',
  name_vi: 'Số cơ quan được kiểm tra',
  name_en: 'Agencies inspected',
  unit: 'agencies',
  kind: 'stock',
};

describe('a target’s measure', () => {
  it('takes a declared ratio, and a catalogue metric by id', () => {
    const ok = plan('p-ok', '79', [
      target({ measured_by: { numerator: inspected, denominator: 'population' } }),
      target({
        id: 't2',
        unit_of_measure: 'count',
        value: 35,
        measured_by: { metric: 'agencies_inspected_x' },
      }),
    ]);
    expect(problems(ok)).toEqual([]);
  });

  it('refuses an unknown metric, a count measure on a percent target, and both kinds of measure', () => {
    expect(
      problems(
        plan('p1', '79', [
          target({ measured_by: { numerator: 'nope', denominator: 'population' } }),
        ]),
      ),
    ).toEqual(['targets.0.measured_by.numerator: không có số liệu nope (unknown metric nope)']);
    expect(problems(plan('p2', '79', [target({ measured_by: { metric: 'population' } })]))).toEqual(
      [
        'targets.0.measured_by: chỉ tiêu đếm đo bằng {metric}, chỉ tiêu tỷ lệ bằng {numerator, denominator} (a count target is measured by {metric}, a percent target by {numerator, denominator})',
      ],
    );
    expect(
      problems(
        plan('p3', '79', [
          target({ indicator: 'cccd_coverage', measured_by: { metric: 'population' } }),
        ]),
      ),
    ).toContain(
      'targets.0.measured_by: chỉ tiêu được đo bằng một chỉ số trong danh mục hoặc bằng số liệu tự khai báo, không được cả hai (a target is measured by a catalogue indicator or by metrics it declares, not both)',
    );
  });

  it('refuses a declaration that redefines a catalogue metric, or one declared two ways', () => {
    const clash = { ...inspected, id: 'population' };
    expect(
      problems(
        plan('p4', '79', [
          target({ measured_by: { numerator: clash, denominator: 'population' } }),
        ]),
      ),
    ).toEqual([
      'targets.0.measured_by.numerator.id: population là số liệu trong danh mục: chỉ ghi mã của nó (population is a catalogue metric; name it by its id)',
    ]);
    const other = { ...inspected, kind: 'flow' };
    expect(
      problems(
        plan('p5', '79', [
          target({ measured_by: { numerator: inspected, denominator: 'population' } }),
        ]),
        plan('p6', '77', [
          target({ measured_by: { numerator: other, denominator: 'population' } }),
        ]),
      ),
    ).toEqual([
      'targets.0.measured_by.numerator.id: agencies_inspected_x đã được kế hoạch p5 khai báo khác (agencies_inspected_x is declared differently by plan p5)',
    ]);
  });

  it('refuses a declared metric whose label is another metric’s (a wide header names one)', () => {
    const twin = { ...inspected, id: 'agencies_twin', name_vi: 'SỐ CƠ QUAN ĐƯỢC KIỂM TRA' };
    expect(
      problems(
        plan('p8', '79', [
          target({ measured_by: { numerator: inspected, denominator: 'population' } }),
          target({ id: 't2', measured_by: { numerator: twin, denominator: 'population' } }),
        ]),
      ),
    ).toEqual([
      'targets.1.measured_by.numerator.name_vi: "SỐ CƠ QUAN ĐƯỢC KIỂM TRA" đã là tên của số liệu agencies_inspected_x ("SỐ CƠ QUAN ĐƯỢC KIỂM TRA" is already the label of metric agencies_inspected_x)',
    ]);
  });

  it('refuses an indicator whose unit is not the target’s', () => {
    expect(problems(plan('p7', '79', [target({ indicator: 'vneid_accounts' })]))).toEqual([
      'targets.0.unit_of_measure: là percent nhưng chỉ số vneid_accounts là count (percent, but indicator vneid_accounts is a count)',
    ]);
  });
});

describe('adopting a predecessor’s target', () => {
  const kg = plan('old', '91', [target({ indicator: 'satisfaction_rate', value: 90 })]);

  it('takes another plan’s target measured the same way', () => {
    const successor = plan('new', '91', [
      target({
        indicator: 'satisfaction_rate',
        adopts: 'old/t1',
        window_start: '2025-07-01',
        deadline: '2025-12-31',
      }),
    ]);
    expect(problems(kg, successor)).toEqual([]);
  });

  it('refuses an unknown target, its own plan’s target, and a different measure', () => {
    expect(
      problems(
        kg,
        plan('new', '91', [target({ indicator: 'satisfaction_rate', adopts: 'old/t9' })]),
      ),
    ).toEqual(['targets.0.adopts: không có chỉ tiêu old/t9 (unknown target old/t9)']);
    expect(
      problems(plan('self', '91', [target({ indicator: 'satisfaction_rate', adopts: 'self/t1' })])),
    ).toEqual([
      'targets.0.adopts: self/t1 là chỉ tiêu của chính kế hoạch này (self/t1 is a target of this plan)',
    ]);
    expect(
      problems(kg, plan('new', '91', [target({ indicator: 'cccd_coverage', adopts: 'old/t1' })])),
    ).toEqual([
      'targets.0.adopts: old/t1 đo bằng satisfaction_rate, chỉ tiêu này bằng cccd_coverage (old/t1 is measured by satisfaction_rate, this target by cccd_coverage)',
    ]);
    expect(
      problems(kg, plan('new', '91', [target({ indicator: 'satisfaction_rate', adopts: 'old' })])),
    ).toEqual([
      'targets.0.adopts: phải có dạng <mã kế hoạch>/<mã chỉ tiêu> (expected <plan id>/<target id>): "old"',
    ]);
  });
});

describe('problems read in Vietnamese first, with their path and the value given', () => {
  const read = (data: unknown) => {
    const r = readPlan(typeof data === 'string' ? data : stringify(data), catalogue);
    return r.problems.map(formatProblem);
  };
  const good = plan('p-vi', '79', [target({}), target({ id: 't2' })]);

  it('names the path of each schema problem, with a small table of zod’s issues', () => {
    expect(read(good)).toEqual([]);
    const bad = {
      ...good,
      report_due_day: 40,
      extra: 1,
      targets: [
        target({ value: '85%', comparator: '=>' }),
        target({ id: 't2', scope: { level: 'ward' }, window_start: undefined, source: ['x'] }),
        target({ id: 't3', window_start: '2025-01-01', deadline: '2024-12-31' }),
      ],
    };
    expect(read(bad)).toEqual([
      'report_due_day: phải ≤ 31 (must be <= 31): 40',
      'targets.0.comparator: phải là một trong ">=", ">", "<=", "<" (expected one of ">=", ">", "<=", "<"): "=>"',
      'targets.0.value: phải là một số (expected number): "85%"',
      'targets.1.scope.level: phải là một trong "national", "province", "district", "commune" (expected one of "national", "province", "district", "commune"): "ward"',
      'targets.1.window_start: thiếu trường bắt buộc (required field missing)',
      'targets.1.source.0: không phải địa chỉ URL hợp lệ (expected a URL): "x"',
      'targets.2.deadline: ngày bắt đầu (window_start) sau hạn chót (window_start is after deadline)',
      'extra: trường không có trong mẫu kế hoạch (unknown field)',
    ]);
  });

  it('gives YAML syntax errors their line and column, and refuses a file that is no plan', () => {
    expect(read('id: a\nid: b\n')).toEqual([
      'dòng 2, cột 1: khóa bị lặp (YAML: Map keys must be unique)',
    ]);
    expect(read('# only a comment\n')).toEqual(['tệp trống (the file is empty)']);
    expect(read('- 1\n')).toEqual([
      'phải là một nhóm trường (key: value) (expected a mapping of fields)',
    ]);
  });

  it('refuses a file that is not UTF-8', () => {
    expect(decodePlanFile(Buffer.from('id: h\xf2a\n', 'latin1'))).toBeNull();
    expect(decodePlanFile(Buffer.from('\ufeffid: hòa\n', 'utf8'))).toBe('id: hòa\n');
  });
});
