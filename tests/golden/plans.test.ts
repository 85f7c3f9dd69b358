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

interface TargetRow {
  target_id: string;
  plan_id: string;
  indicator_id: string | null;
  unit_code: string | null;
  level: string | null;
  comparator: string;
  value: number;
  window_start: string;
  deadline: string;
}

async function targets(planId: string): Promise<TargetRow[]> {
  return db.all<TargetRow>(
    `select target_id, plan_id, indicator_id, unit_code, level, comparator, value,
            strftime(window_start, '%Y-%m-%d') window_start, strftime(deadline, '%Y-%m-%d') deadline
     from targets where plan_id = $p order by target_id`,
    { p: planId },
  );
}

describe('golden summary of every encoded plan (read back through the analyst views)', () => {
  it('matches tests/golden/plans.json', async () => {
    const plans = await db.all<Record<string, unknown>>(
      `select plan_id, document_no, unit_code, strftime(issued_on, '%Y-%m-%d') issued_on,
              parent_plan_id, report_due_day, stub
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
        targets: (await targets(id)).map((t) => [
          t.target_id.slice(id.length + 1),
          t.indicator_id,
          t.unit_code ?? `level:${t.level}`,
          t.comparator,
          t.value,
          `${t.window_start}..${t.deadline}`,
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

  it('no task is lost: every task keeps its printed deadline, and dated ones have a due date', async () => {
    const rows = await db.all<{ n: string }>(
      `select count(*) n from tasks
       where (deadline_kind = 'due' and due_on is null) or (deadline_kind <> 'due' and due_on is not null)
          or deadline_kind = 'unknown'`,
    );
    expect(rows[0].n).toBe('0');
  });
});
