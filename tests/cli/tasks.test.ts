// `chitieu tasks update FILE` and `chitieu procedures update FILE`: a good file (CSV or XLSX,
// English or Vietnamese headers) records every row in one go; one bad row refuses the whole file
// with every problem named by file, row, column and value; --dry-run records nothing; `list`
// shows the status and what is still overdue.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { Database } from '../../pipelines/db/connect.ts';
import { DEMO_TODAY } from '../global-setup.ts';
import { bufferIo, tempDir } from '../helpers.ts';

const KG = 'qd-740-2022-kien-giang';

let dir: string;
let dbPath: string;
let cleanup: () => void;
beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  dbPath = join(dir, 'demo.duckdb');
  copyFileSync(inject('demoDb'), dbPath);
});
afterAll(() => cleanup());

async function chitieu(...args: string[]) {
  const io = bufferIo(dbPath);
  io.env.CHITIEU_TODAY = DEMO_TODAY;
  const code = await main(args, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

async function query<T>(sql: string, params: Record<string, string | number> = {}): Promise<T[]> {
  const db = await Database.open(dbPath, { readOnly: true });
  try {
    return await db.all<T>(sql, params);
  } finally {
    db.close();
  }
}

const historyCount = async (source = 'cli') =>
  (
    await query<{ n: number }>(
      `select ((select count(*) from task_status_history where source = $s)
            + (select count(*) from procedure_status_history where source = $s))::integer as n`,
      { s: source },
    )
  )[0].n;

/** Open tasks of the Kiên Giang plan nobody recorded anything for: number, seq, group. */
async function freshTasks(n: number) {
  return query<{ seq: number; number: string; group_name: string; due_on: string }>(
    `select seq, number, group_name, strftime(due_on, '%Y-%m-%d') due_on from tasks t
     where plan_id = $p and not exists (select 1 from task_status_history h
                                        where h.plan_id = t.plan_id and h.seq = t.seq)
       and due_on < $d::date
     order by seq limit ${n}`,
    { p: KG, d: DEMO_TODAY },
  );
}

const csv = (rows: string[][]) => `${rows.map((r) => r.join(',')).join('\n')}\n`;

describe('chitieu tasks update', () => {
  it('refuses the whole file for one bad row, naming file, row, column and value', async () => {
    const [a, b] = await freshTasks(2);
    const file = join(dir, 'one-bad-row.csv');
    writeFileSync(
      file,
      csv([
        ['plan_id', 'seq', 'status', 'as_of', 'note'],
        [KG, String(a.seq), 'done', '2025-12-01', 'xong'],
        [KG, String(b.seq), 'finished', '2025-12-01', 'xong'],
      ]),
    );
    const before = await historyCount();
    const r = await chitieu('tasks', 'update', file);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'one-bad-row.csv, row 3, column status: unknown status: finished (planned, in_progress, done, cancelled',
    );
    expect(r.err).toContain('(value "finished") [status]');
    expect(r.err).toContain('1 problem(s); nothing recorded');
    expect(await historyCount()).toBe(before);
  });

  it('reports every problem of a file at once', async () => {
    const [a] = await freshTasks(1);
    const file = join(dir, 'many-problems.csv');
    writeFileSync(
      file,
      csv([
        ['plan_id', 'seq', 'number', 'status', 'as_of', 'note', 'evidence_url'],
        ['kh-nope', '', '1', 'done', '2025-12-01', '', ''],
        [KG, '', '1', 'done', '2025-12-01', '', ''],
        [KG, String(a.seq), '', 'done', '2026-02-01', '', 'file:///etc/passwd'],
        [KG, '', 'IX.9', 'done', '2022-01-01', '', ''],
        [KG, '', '', 'done', '', '', ''],
      ]),
    );
    const r = await chitieu('tasks', 'update', file);
    expect(r.code).toBe(1);
    const lines = r.err.split('\n');
    const has = (text: string) =>
      expect(
        lines.some((l) => l.includes(text)),
        text,
      ).toBe(true);
    has('row 2, column plan_id: unknown plan: kh-nope');
    has(`row 3, column number: number 1 names`);
    has('give seq, or the group');
    has('row 4, column as_of: as_of 2026-02-01 is in the future (today is 2026-01-25 in Vietnam)');
    has('row 4, column evidence_url: invalid evidence_url');
    has(`row 5, column number: plan ${KG} has no task numbered IX.9`);
    has(`row 5, column as_of: as_of 2022-01-01 is before plan ${KG} was issued (2022-03-17)`);
    has('row 6, column number: number and seq are both empty');
    has('row 6, column as_of: as_of is empty');
    expect(r.err).toContain('8 problem(s); nothing recorded');
  });

  it('refuses a file without the columns it needs, or with one it does not know', async () => {
    const file = join(dir, 'columns.csv');
    writeFileSync(
      file,
      csv([
        ['plan_id', 'seq', 'state', 'note'],
        [KG, '1', 'done', ''],
      ]),
    );
    const r = await chitieu('tasks', 'update', file);
    expect(r.code).toBe(1);
    expect(r.err).toContain('columns.csv, column state: unknown column "state"');
    expect(r.err).toContain('columns.csv, column status: missing column status');
    expect(r.err).toContain('columns.csv, column as_of: missing column as_of');
  });

  it('with --dry-run checks a good file and records nothing', async () => {
    const [a] = await freshTasks(1);
    const file = join(dir, 'dry.csv');
    writeFileSync(
      file,
      csv([
        ['plan_id', 'seq', 'status', 'as_of', 'note'],
        [KG, String(a.seq), 'done', '2025-12-01', ''],
      ]),
    );
    const before = await historyCount();
    const r = await chitieu('tasks', 'update', file, '--dry-run');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('dry run, 1 task change(s) valid (0 planned, 0 in_progress, 1 done');
    expect(await historyCount()).toBe(before);
  });

  it('records a good file whole: by seq or by number and group, Vietnamese words and dates', async () => {
    const [a, b, c] = await freshTasks(3);
    const overdueBefore = (
      await query<{ n: number }>(
        `select count(*)::integer n from tasks
         where due_on < $d::date and status in ('planned', 'in_progress')`,
        { d: DEMO_TODAY },
      )
    )[0].n;
    const file = join(dir, 'good.csv');
    writeFileSync(
      file,
      // a semicolon file with Vietnamese headers, as Excel writes it in Vietnam
      [
        'Kế hoạch;STT;Nhóm;Trạng thái;Ngày;Ghi chú;Minh chứng;Tên nhiệm vụ',
        `${KG};${b.number};${b.group_name};Hoàn thành;15/12/2025;Đã xong;https://example.vn/a;…`,
        `${KG};${a.number};${a.group_name};Đang thực hiện;2025-06-01;;;…`,
        `${KG};${a.number};${a.group_name};done;2025-11-30;"Biên bản; nghiệm thu";;…`,
        `${KG};${c.number};${c.group_name};Đã huỷ;2025-10-10;không còn phù hợp;;…`,
      ].join('\r\n'),
    );
    const before = await historyCount();
    const r = await chitieu('tasks', 'update', file, '--by', 'Sở TT&TT An Giang');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(
      'good.csv: recorded 4 task change(s) (0 planned, 1 in_progress, 2 done, 1 cancelled) as "Sở TT&TT An Giang"',
    );
    expect(r.out).toContain(
      `overdue tasks today (${DEMO_TODAY}): ${overdueBefore} before, ${overdueBefore - 3} now`,
    );
    expect(await historyCount()).toBe(before + 4);
    const rows = await query<{ seq: number; status: string; as_of: string; note: string | null }>(
      `select seq, status, strftime(as_of, '%Y-%m-%d') as_of, note from task_status_history
       where source = 'cli' and recorded_by = 'Sở TT&TT An Giang' order by seq, as_of`,
    );
    expect(rows).toEqual(
      [
        { seq: a.seq, status: 'in_progress', as_of: '2025-06-01', note: null },
        { seq: a.seq, status: 'done', as_of: '2025-11-30', note: 'Biên bản; nghiệm thu' },
        { seq: b.seq, status: 'done', as_of: '2025-12-15', note: 'Đã xong' },
        { seq: c.seq, status: 'cancelled', as_of: '2025-10-10', note: 'không còn phù hợp' },
      ].sort((x, y) => x.seq - y.seq || x.as_of.localeCompare(y.as_of)),
    );
    // the list no longer shows them as overdue
    const list = await chitieu('tasks', 'list', '--plan', KG, '--json');
    const tasks = JSON.parse(list.out).tasks as Array<{
      seq: number;
      overdue: boolean;
      status: string;
    }>;
    for (const x of [a, b, c]) {
      expect(tasks.find((t) => t.seq === x.seq)).toMatchObject({ overdue: false });
    }
    const overdue = await chitieu('tasks', 'list', '--overdue');
    expect(overdue.code).toBe(0);
    expect(overdue.out).toMatch(/read against 2026-01-25; \d+ overdue$/);
  });

  it('reads an XLSX sheet the same way', async () => {
    const [a] = await freshTasks(1);
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Tiến độ');
    sheet.addRow(['plan_id', 'seq', 'status', 'as_of', 'note']);
    const row = sheet.addRow([
      KG,
      a.seq,
      'in_progress',
      new Date(Date.UTC(2025, 8, 9)),
      'đang làm',
    ]);
    row.getCell(4).numFmt = 'dd/mm/yyyy';
    const file = join(dir, 'tien-do.xlsx');
    await book.xlsx.writeFile(file);
    const r = await chitieu('tasks', 'update', file);
    expect(r.code, r.err).toBe(0);
    const [h] = await query<{ status: string; as_of: string }>(
      `select status, strftime(as_of, '%Y-%m-%d') as_of from task_status_history
       where plan_id = $p and seq = $s`,
      { p: KG, s: a.seq },
    );
    expect(h).toEqual({ status: 'in_progress', as_of: '2025-09-09' });
    // a bad cell is named by the sheet, its row and its column's letter
    sheet.addRow([KG, a.seq, 'done', 'hôm qua', '']);
    await book.xlsx.writeFile(file);
    const bad = await chitieu('tasks', 'update', file);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(
      'tien-do.xlsx[Tiến độ], row 3, column as_of (D): invalid as_of: hôm qua',
    );
  });
});

describe('chitieu procedures update', () => {
  it('records procedures by number, all or nothing', async () => {
    const open = await query<{ seq: number; number: string }>(
      `select seq, number from procedures p where plan_id = $p and status = 'planned' order by seq limit 2`,
      { p: KG },
    );
    const file = join(dir, 'procedures.csv');
    writeFileSync(
      file,
      csv([
        ['plan_id', 'number', 'status', 'as_of', 'note'],
        [KG, open[0].number, 'done', '2025-05-05', 'cung cấp toàn trình'],
        [KG, open[1].number, 'done', '2025-05-06', ''],
      ]),
    );
    const r = await chitieu('procedures', 'update', file);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('recorded 2 procedure change(s)');
    const rows = await query<{ status: string }>(
      'select status from procedures where plan_id = $p and seq in ($a, $b)',
      { p: KG, a: open[0].seq, b: open[1].seq },
    );
    expect(rows).toEqual([{ status: 'done' }, { status: 'done' }]);
    writeFileSync(
      file,
      csv([
        ['plan_id', 'number', 'status', 'as_of', 'note'],
        [KG, '99', 'done', '2025-05-05', ''],
      ]),
    );
    const bad = await chitieu('procedures', 'update', file);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(`column number: plan ${KG} has no procedure numbered 99`);
  });

  it('answers usage errors with exit 2 and has --help', async () => {
    expect((await chitieu('tasks')).code).toBe(2);
    expect((await chitieu('tasks', 'update')).code).toBe(2);
    expect((await chitieu('procedures', 'frobnicate')).code).toBe(2);
    const help = await chitieu('tasks', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('chitieu tasks update FILE');
  });
});
