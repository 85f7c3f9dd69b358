import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../pipelines/db/connect.ts';
import { initialise } from '../../cli/commands/init.ts';
import { openTempDb } from '../helpers.ts';
import { golden } from './golden.ts';

let db: Database;
let cleanup: () => void;
beforeAll(async () => {
  ({ db, cleanup } = await openTempDb());
  await initialise(db);
});
afterAll(() => cleanup());

const countBy = (xs: string[]) =>
  xs.reduce<Record<string, number>>((acc, x) => ({ ...acc, [x]: (acc[x] ?? 0) + 1 }), {});

interface TargetRow {
  target_id: string;
  plan_id: string;
  indicator_id: string | null;
  measure_kind: 'indicator' | 'metric' | 'none';
  numerator_metric: string | null;
  denominator_metric: string | null;
  adopted_from: string | null;
  confidence: string | null;
  unit_code: string | null;
  level: string | null;
  comparator: string;
  value: number;
  window_start: string;
  deadline: string;
}

async function targets(planId: string): Promise<TargetRow[]> {
  return db.all<TargetRow>(
    `select target_id, plan_id, indicator_id, measure_kind, numerator_metric, denominator_metric,
            adopted_from, confidence, unit_code, level, comparator, value,
            strftime(window_start, '%Y-%m-%d') window_start, strftime(deadline, '%Y-%m-%d') deadline
     from targets where plan_id = $p order by target_id`,
    { p: planId },
  );
}

describe('golden summary of every encoded plan (read back through the analyst views)', () => {
  it('matches tests/golden/plans.json', async () => {
    const plans = await db.all<Record<string, unknown>>(
      `select plan_id, document_no, unit_code, strftime(issued_on, '%Y-%m-%d') issued_on,
              parent_plan_id, report_due_day, stub, source_kind
       from plans order by plan_id`,
    );
    const summary = [];
    for (const p of plans) {
      const id = p.plan_id as string;
      const count = async (sql: string) => Number((await db.all<{ n: string }>(sql, { p: id }))[0].n);
      const groups = await db.all<{ group_name: string | null; n: string }>(
        'select group_name, count(*) n from tasks where plan_id = $p group by group_name order by min(seq)',
        { p: id },
      );
      const kinds = await db.all<{ kind: string | null; n: string }>(
        'select deadline_kind kind, count(*) n from tasks where plan_id = $p group by all order by all',
        { p: id },
      );
      summary.push({
        ...p,
        counts: {
          targets: await count('select count(*) n from targets where plan_id = $p'),
          targets_with_indicator: await count(
            'select count(*) n from targets where plan_id = $p and indicator_id is not null',
          ),
          targets_measured: await count(
            "select count(*) n from targets where plan_id = $p and measure_kind <> 'none'",
          ),
          targets_adopted: await count(
            'select count(*) n from targets where plan_id = $p and adopted_from is not null',
          ),
          tasks: await count('select count(*) n from tasks where plan_id = $p'),
          tasks_with_due_date: await count(
            'select count(*) n from tasks where plan_id = $p and due_on is not null',
          ),
          procedures: await count('select count(*) n from procedures where plan_id = $p'),
          notes: await count('select count(*) n from core.plan_notes where plan_id = $p'),
          inconsistencies: await count(
            "select count(*) n from core.plan_notes where plan_id = $p and kind = 'inconsistency'",
          ),
        },
        tasks_by_group: groups.map((g) => [g.group_name, Number(g.n)]),
        deadline_kinds: Object.fromEntries(kinds.map((k) => [k.kind ?? 'none', Number(k.n)])),
        // measure: the indicator, or metric:numerator[/denominator] the target declares
        targets: (await targets(id)).map((t) => [
          t.target_id.slice(id.length + 1),
          t.measure_kind === 'metric'
            ? `metric:${[t.numerator_metric, t.denominator_metric].filter(Boolean).join('/')}`
            : t.indicator_id,
          t.unit_code ?? `level:${t.level}`,
          t.comparator,
          t.value,
          `${t.window_start}..${t.deadline}`,
          ...(t.confidence ? [`confidence:${t.confidence}`] : []),
          ...(t.adopted_from ? [`adopts:${t.adopted_from}`] : []),
        ]),
      });
    }
    const { expected, actual } = golden('plans', summary);
    expect(actual).toEqual(expected);
  });
});

// Facts read from the documents by hand, asserted independently of the golden file.
describe('what the documents say', () => {
  it('every seed plan descends from QĐ 06 and reports on its own day', async () => {
    const rows = await db.all<{ plan_id: string; root: string; report_due_day: number | null }>(`
      with recursive chain(plan_id, cur) as (
        select plan_id, plan_id from plans
        union all
        select c.plan_id, p.parent_plan_id from chain c join plans p on p.plan_id = c.cur
        where p.parent_plan_id is not null)
      select c.plan_id, last(c.cur order by length(c.cur)) filter (where p.parent_plan_id is null) root,
             any_value(pl.report_due_day) report_due_day
      from chain c join plans p on p.plan_id = c.cur join plans pl on pl.plan_id = c.plan_id
      group by c.plan_id order by c.plan_id`);
    for (const r of rows) expect(r.root, r.plan_id).toBe('qd-06-2022-national');
    const day = Object.fromEntries(rows.map((r) => [r.plan_id, r.report_due_day]));
    expect(day['qd-740-2022-kien-giang']).toBe(20);
    expect(day['kh-bcd-2024-ba-ria-vung-tau']).toBe(18);
    expect(day['kh-2024-ho-chi-minh']).toBe(15);
  });

  it('Kiên Giang: 90/80/60% then 100/100/80% by level, and >500k then >900k VNeID accounts', async () => {
    const rows = (await targets('qd-740-2022-kien-giang')).map((t) => [
      t.indicator_id,
      t.unit_code ?? t.level,
      t.comparator,
      t.value,
      t.deadline.slice(0, 4),
    ]);
    for (const expected of [
      ['work_records_online_rate', '91', '>=', 90, '2025'],
      ['work_records_online_rate', 'district', '>=', 80, '2025'],
      ['work_records_online_rate', 'commune', '>=', 60, '2025'],
      ['work_records_online_rate', '91', '>=', 100, '2030'],
      ['work_records_online_rate', 'district', '>=', 100, '2030'],
      ['work_records_online_rate', 'commune', '>=', 80, '2030'],
      ['vneid_accounts', '91', '>', 500000, '2025'],
      ['vneid_accounts', '91', '>', 900000, '2030'],
      ['satisfaction_rate', '91', '>=', 90, '2025'],
    ]) {
      expect(rows).toContainEqual(expected);
    }
  });

  it('Phan Rang–Tháp Chàm lists 16 essential procedures, due by May 2022', async () => {
    const rows = await db.all<{ number: string; online_level: string; due_on: string }>(
      `select number, online_level, strftime(due_on, '%Y-%m-%d') due_on from procedures
       where plan_id = 'kh-96-2022-phan-rang-thap-cham' order by seq`,
    );
    expect(rows.map((r) => r.number)).toEqual(Array.from({ length: 16 }, (_, i) => String(i + 1)));
    expect(rows[0]).toEqual({ number: '1', online_level: '4', due_on: '2022-03-31' });
    expect(rows[15]).toEqual({ number: '16', online_level: '4', due_on: '2022-05-31' });
  });

  it('HCMC: task numbers as printed (01–49 with gaps), each gap recorded as a note', async () => {
    const numbers = (
      await db.all<{ number: string }>(
        "select number from tasks where plan_id = 'kh-2024-ho-chi-minh' order by seq",
      )
    ).map((r) => r.number);
    expect(numbers[0]).toBe('01');
    expect(numbers.at(-1)).toBe('49');
    expect(numbers).not.toContain('10');
    const notes = await db.all<{ text: string }>(
      "select text from core.plan_notes where plan_id = 'kh-2024-ho-chi-minh' and kind = 'inconsistency'",
    );
    expect(notes.some((n) => /\b10\b/.test(n.text))).toBe(true);
    expect(notes.some((n) => /49/.test(n.text) && /48/.test(n.text))).toBe(true);
  });

  it('HCMC and Bà Rịa–Vũng Tàu 2024 targets run over 2024', async () => {
    for (const plan of ['kh-2024-ho-chi-minh', 'kh-bcd-2024-ba-ria-vung-tau']) {
      const rows = await targets(plan);
      expect(rows.length).toBeGreaterThanOrEqual(10);
      for (const t of rows) expect(t.deadline.slice(0, 4), t.target_id).toBe('2024');
    }
    const hcm = (await targets('kh-2024-ho-chi-minh')).map((t) => [t.indicator_id, t.comparator, t.value]);
    expect(hcm).toContainEqual(['digitization_rate', '>=', 80]);
    expect(hcm).toContainEqual(['online_payment_rate', '>=', 30]);
    expect(hcm).toContainEqual(['cccd_medical_rate', '>=', 80]);
    expect(hcm).toContainEqual(['cashless_social_rate', '>=', 50]);
    const brvt = (await targets('kh-bcd-2024-ba-ria-vung-tau')).map((t) => [t.indicator_id, t.unit_code ?? t.level, t.value]);
    expect(brvt).toContainEqual(['work_records_online_rate', '77', 90]);
    expect(brvt).toContainEqual(['work_records_online_rate', 'district', 80]);
    expect(brvt).toContainEqual(['work_records_online_rate', 'commune', 60]);
    expect(brvt).toContainEqual(['satisfaction_rate', '77', 90]);
    expect(brvt).toContainEqual(['forms_standardized_rate', '77', 50]);
  });

  it('Sơn Ninh: CCCD for 100% of eligible citizens', async () => {
    const rows = (await targets('kh-12-2022-son-ninh')).map((t) => [t.indicator_id, t.comparator, t.value]);
    expect(rows).toContainEqual(['cccd_coverage', '>=', 100]);
  });

  it('every numeric target of the five seed plans has a measure: 61 of 61', async () => {
    const seeds = [
      'kh-96-2022-phan-rang-thap-cham',
      'kh-bcd-2024-ba-ria-vung-tau',
      'qd-740-2022-kien-giang',
      'kh-12-2022-son-ninh',
      'kh-2024-ho-chi-minh',
    ];
    const rows = await db.all<{ target_id: string; measure_kind: string }>(
      `select target_id, measure_kind from targets
       where plan_id in (select unnest(string_split($seeds, ','))) order by all`,
      { seeds: seeds.join(',') },
    );
    expect(rows).toHaveLength(61);
    expect(rows.filter((r) => r.measure_kind === 'none').map((r) => r.target_id)).toEqual([]);
    const kinds = countBy(rows.map((r) => r.measure_kind));
    expect(kinds).toEqual({ indicator: 46, metric: 15 });
    // and no shipped plan leaves a target unmeasured
    const unmeasured = await db.all("select target_id from targets where measure_kind = 'none'");
    expect(unmeasured).toEqual([]);
  });

  it('a declared metric is a metric like any other, and a ratio target names both of its own', async () => {
    const rows = await db.all<{
      target_id: string;
      unit_of_measure: string;
      numerator: string | null;
      denominator: string | null;
    }>(
      `select t.target_id, t.unit_of_measure, n.metric_id numerator, d.metric_id denominator
       from targets t
       left join metrics n on n.metric_id = t.numerator_metric
       left join metrics d on d.metric_id = t.denominator_metric
       where t.measure_kind = 'metric'`,
    );
    expect(rows.length).toBeGreaterThan(15);
    for (const r of rows) {
      expect(r.numerator, r.target_id).not.toBeNull();
      expect(r.denominator === null, r.target_id).toBe(r.unit_of_measure === 'count');
    }
    const declared = await db.all<{ metric_id: string; name_vi: string; kind: string }>(
      'select metric_id, name_vi, kind from metrics where declared_in is not null',
    );
    for (const m of declared) {
      expect(m.name_vi, m.metric_id).toMatch(/[À-ỹ]/);
      expect(['stock', 'flow']).toContain(m.kind);
    }
    expect(declared.map((m) => m.metric_id)).toContain('agencies_inspected');
  });

  it('QĐ 06 itself: 11 targets on the country, each with its sources and a confidence', async () => {
    const rows = await db.all<{
      indicator_id: string | null;
      comparator: string;
      value: number;
      source_urls: string[];
      confidence: string;
    }>(
      `select indicator_id, comparator, value, source_urls, confidence from targets
       where plan_id = 'qd-06-2022-national' and unit_code = 'VN'`,
    );
    expect(rows).toHaveLength(11);
    for (const r of rows) {
      expect(r.source_urls.length).toBeGreaterThan(0);
      expect(['high', 'medium']).toContain(r.confidence);
    }
    expect(rows.map((r) => [r.indicator_id, r.comparator, r.value])).toContainEqual([
      'vneid_accounts',
      '>',
      40_000_000,
    ]);
    const [plan] = await db.all<{ stub: boolean; source_kind: string }>(
      "select stub, source_kind from plans where plan_id = 'qd-06-2022-national'",
    );
    expect(plan).toEqual({ stub: false, source_kind: 'restatement' });
  });

  it('QĐ 11/QĐ-BCĐCP (2026): a press summary, its targets by province and commune, none by district', async () => {
    const [plan] = await db.all<{ source_kind: string; parent_plan_id: string }>(
      "select source_kind, parent_plan_id from plans where plan_id = 'qd-11-2026-bcdcp'",
    );
    expect(plan).toEqual({ source_kind: 'press_summary', parent_plan_id: 'qd-06-2022-national' });
    const levels = await db.all<{ level: string | null; n: number }>(
      `select level, count(*)::integer n from targets where plan_id = 'qd-11-2026-bcdcp'
       group by all order by all`,
    );
    expect(levels.map((l) => l.level)).toEqual(['commune', 'province', null]);
    const confidence = await db.all<{ c: string }>(
      "select distinct confidence c from targets where plan_id = 'qd-11-2026-bcdcp' order by all",
    );
    expect(confidence.map((r) => r.c)).toEqual(['high', 'low', 'medium']);
  });

  it('no task is lost: every task keeps its printed deadline, and dated ones have a due date', async () => {
    const rows = await db.all<{ n: string }>(
      `select count(*) n from tasks
       where (deadline_kind = 'due' and due_on is null) or (deadline_kind <> 'due' and due_on is not null)
          or deadline_kind = 'unknown'`,
    );
    expect(rows[0].n).toBe('0');
  });
});
