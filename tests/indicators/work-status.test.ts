// The pure core of task and procedure progress: status words, which change is current (any order
// of recording gives the same), the checks of a change, where a kept change belongs after a
// reload, a planner's file checked row by row, and the demo's progress.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkEntry,
  completionRate,
  isEvidenceUrl,
  isOverdue,
  readDay,
  readStatus,
  statusOn,
} from '../../indicators/work/status.ts';
import { follow, type WorkItem } from '../../indicators/work/history.ts';
import { checkStatusRows, type BulkReference, type Table } from '../../indicators/work/bulk.ts';
import type { PlanPlace } from '../../indicators/work/scope.ts';
import { demoProgress, type ProgressItem } from '../../pipelines/demo/progress.ts';

describe('status words and days', () => {
  it('reads ids and Vietnamese words, whatever the tone placement or case', () => {
    expect(readStatus('done')).toBe('done');
    expect(readStatus(' In progress ')).toBe('in_progress');
    expect(readStatus('Hoàn thành')).toBe('done');
    expect(readStatus('ĐANG THỰC HIỆN')).toBe('in_progress');
    expect(readStatus('Đã huỷ')).toBe('cancelled');
    expect(readStatus('Đã hủy'.normalize('NFD'))).toBe('cancelled');
    expect(readStatus('chưa thực hiện')).toBe('planned');
    expect(readStatus('finished')).toBeNull();
    expect(readDay('2025-03-31')).toBe('2025-03-31');
    expect(readDay('31/03/2025')).toBe('2025-03-31');
    expect(readDay('2025-02-30')).toBeNull();
    expect(readDay('Quý I/2025')).toBeNull();
  });

  it('takes http(s) links as evidence and nothing else', () => {
    expect(isEvidenceUrl('https://kiengiang.gov.vn/a?b=1')).toBe(true);
    expect(isEvidenceUrl('http://10.0.0.1/x')).toBe(true);
    for (const bad of [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'ftp://x/y',
      'www.x.vn',
      'https://x.vn/a b',
    ]) {
      expect(isEvidenceUrl(bad), bad).toBe(false);
    }
  });

  it('overdue: due before today and neither done nor cancelled', () => {
    expect(isOverdue('2025-01-01', 'planned', '2025-01-02')).toBe(true);
    expect(isOverdue('2025-01-01', 'in_progress', '2025-01-02')).toBe(true);
    expect(isOverdue('2025-01-01', 'planned', '2025-01-01')).toBe(false);
    expect(isOverdue('2025-01-01', 'done', '2025-06-01')).toBe(false);
    expect(isOverdue('2025-01-01', 'cancelled', '2025-06-01')).toBe(false);
    expect(isOverdue(null, 'planned', '2025-06-01')).toBe(false);
    expect(completionRate({ total: 4, done: 1, cancelled: 1 })).toBe(33.3);
    expect(completionRate({ total: 2, done: 0, cancelled: 2 })).toBeNull();
  });

  it('checks a change: not after today, not before the plan, a real day, a link', () => {
    const ctx = { today: '2026-01-25', planDate: '2022-03-17', plan_id: 'p' };
    const rules = (as_of: string, evidence_url: string | null = null) =>
      checkEntry({ as_of, note: null, evidence_url }, ctx).map((p) => p.rule);
    expect(rules('2026-01-25')).toEqual([]);
    expect(rules('2026-01-26')).toEqual(['as_of_future']);
    expect(rules('2022-03-16')).toEqual(['as_of_before_plan']);
    expect(rules('2022-13-01')).toEqual(['as_of']);
    expect(rules('2025-01-01', 'data:text/html,x')).toEqual(['evidence_url']);
  });
});

describe('statusOn', () => {
  const entry = fc.record({
    as_of: fc.constantFrom('2024-01-01', '2024-06-01', '2025-01-01'),
    recorded_at: fc.constantFrom('2025-01-01T00:00:00.000Z', '2025-02-01T00:00:00.000Z'),
    entry_id: fc.integer({ min: 1, max: 1000 }),
  });

  it('is the latest by as_of, then recorded_at, then entry_id, in any order of the list', () => {
    fc.assert(
      fc.property(fc.uniqueArray(entry, { selector: (e) => e.entry_id, minLength: 1 }), (list) => {
        const latest = statusOn(list);
        expect(statusOn([...list].reverse())).toBe(latest);
        const key = (e: (typeof list)[number]) => [e.as_of, e.recorded_at, e.entry_id];
        const after = (x: (string | number)[], y: (string | number)[]) =>
          x[0] !== y[0] ? x[0] > y[0] : x[1] !== y[1] ? x[1] > y[1] : x[2] > y[2];
        for (const e of list) expect(after(key(e), key(latest!))).toBe(false);
      }),
    );
  });

  it('on a day, ignores what took effect after it', () => {
    const list = [
      { as_of: '2024-01-01', recorded_at: 'b', entry_id: 1, status: 'in_progress' },
      { as_of: '2025-01-01', recorded_at: 'a', entry_id: 2, status: 'done' },
    ];
    expect(statusOn(list)?.status).toBe('done');
    expect(statusOn(list, '2024-12-31')?.status).toBe('in_progress');
    expect(statusOn(list, '2023-12-31')).toBeNull();
  });
});

describe('follow', () => {
  const item = (seq: number, number: string, label: string): WorkItem => ({
    plan_id: 'p',
    seq,
    number,
    label,
    group_name: null,
    due_on: null,
  });
  const items = [item(1, '0', 'new'), item(2, '1', 'a'), item(3, '2', 'b'), item(4, '2', 'c')];
  const bound = (seq: number | null, number: string, label: string) => ({
    plan_id: 'p',
    seq,
    number,
    label,
  });

  it('stays, moves with its number and title, with its title alone, or keeps a reworded place', () => {
    expect(follow(bound(2, '1', 'a'), items)).toEqual(bound(2, '1', 'a'));
    expect(follow(bound(1, '1', 'a'), items)).toEqual(bound(2, '1', 'a'));
    expect(follow(bound(1, '9', 'b'), items)).toEqual(bound(3, '2', 'b'));
    expect(follow(bound(4, '2', 'c, reworded'), items)).toEqual(bound(4, '2', 'c'));
  });

  it('detaches a change whose task is gone, and binds it again when it comes back', () => {
    const gone = follow(bound(3, '3', 'x'), items);
    expect(gone).toEqual(bound(null, '3', 'x'));
    expect(follow(gone, [...items, item(5, '3', 'x')])).toEqual(bound(5, '3', 'x'));
    expect(follow(bound(1, '1', 'a'), [])).toEqual(bound(null, '1', 'a'));
  });
});

describe('checkStatusRows', () => {
  const place: PlanPlace = {
    plan_id: 'kh',
    date: '2022-03-01',
    unit_code: '91',
    unit_id: 'p91',
    placed_at: 'p91',
    via: null,
  };
  const ref: BulkReference = {
    kind: 'task',
    items: [
      { plan_id: 'kh', seq: 1, number: '1', label: 'a', group_name: 'G1', due_on: null },
      { plan_id: 'kh', seq: 2, number: '1', label: 'b', group_name: 'G2', due_on: null },
      { plan_id: 'kh', seq: 3, number: '02.', label: 'c', group_name: 'G2', due_on: null },
    ],
    plans: new Map([['kh', place]]),
    today: '2026-01-25',
    scope: null,
  };
  const table = (header: string[], ...rows: string[][]): Table => ({
    file: 'f.csv',
    header,
    rows: rows.map((values, i) => ({ row: i + 2, values })),
    columnLetters: false,
  });
  const H = ['plan_id', 'number', 'group', 'status', 'as_of', 'note'];

  it('finds a task by its number, loosely and within its group when the number repeats', () => {
    const ok = checkStatusRows(
      [
        table(
          H,
          ['kh', '2', '', 'done', '2025-01-01', 'x'],
          ['kh', '1', 'g2', 'done', '2025-01-02', ''],
        ),
      ],
      ref,
    );
    expect(ok.problems).toEqual([]);
    expect(ok.changes.map((c) => [c.item.seq, c.note])).toEqual([
      [3, 'x'],
      [2, null],
    ]);
    const ambiguous = checkStatusRows([table(H, ['kh', '1', '', 'done', '2025-01-01', ''])], ref);
    expect(ambiguous.problems.map((p) => p.rule)).toEqual(['ambiguous_number']);
    expect(ambiguous.changes).toEqual([]);
  });

  it('refuses two changes of one task on one day, and names the first', () => {
    const r = checkStatusRows(
      [
        table(
          H,
          ['kh', '2', '', 'done', '2025-01-01', ''],
          ['kh', '2', '', 'cancelled', '01/01/2025', ''],
        ),
      ],
      ref,
    );
    expect(r.problems).toEqual([
      expect.objectContaining({ row: 3, column: 'as_of', rule: 'duplicate', value: '01/01/2025' }),
    ]);
    expect(r.problems[0].message).toContain('f.csv row 2');
  });

  it('skips blank rows and says when nothing is left', () => {
    const r = checkStatusRows([table(H, ['', '', '', '', '', ''])], ref);
    expect(r.problems.map((p) => p.rule)).toEqual(['empty_file']);
  });
});

describe('demoProgress', () => {
  const items: ProgressItem[] = Array.from({ length: 200 }, (_, i) => ({
    kind: i % 4 === 0 ? 'procedure' : 'task',
    plan_id: `plan-${i % 3}`,
    seq: i + 1,
    due_on: i % 5 === 0 ? null : `202${2 + (i % 5)}-0${1 + (i % 9)}-15`,
    plan_date: '2022-03-01',
  }));

  it('is deterministic, dated between the plan and as_of, and leaves most items open', () => {
    const a = demoProgress(items, 6, '2026-01-25');
    expect(demoProgress(items, 6, '2026-01-25')).toEqual(a);
    expect(demoProgress(items, 7, '2026-01-25')).not.toEqual(a);
    for (const c of a) {
      expect(c.as_of >= '2022-03-01' && c.as_of <= '2026-01-25', c.as_of).toBe(true);
      expect(c.note).toContain('synthetic');
    }
    const touched = new Set(a.map((c) => `${c.kind} ${c.seq}`));
    expect(touched.size).toBeGreaterThan(20);
    expect(touched.size).toBeLessThan(items.length / 2);
    // a task's "in progress" never comes after its "done"
    for (const done of a.filter((c) => c.status === 'done')) {
      const before = a.find((c) => c.seq === done.seq && c.status === 'in_progress');
      if (before) expect(before.as_of < done.as_of).toBe(true);
    }
  });
});
