// `chitieu ingest` on the command line: exit 0 when loaded, 1 when rejected (nothing loaded),
// 2 on usage mistakes; the first problems on the terminal and every one in --report JSON.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../cli/main.ts';
import { Database } from '../../pipelines/db/connect.ts';
import type { IngestReport } from '../../pipelines/load/ingest.ts';
import { bufferIo } from '../helpers.ts';
import {
  dump,
  fixture,
  makeTemplate,
  type Dump,
  type Template,
} from '../fixtures/ingest/harness.ts';

let template: Template;
let dbPath: string;
beforeAll(async () => {
  template = await makeTemplate();
  dbPath = template.copyPath('cli');
});
afterAll(() => template.cleanup());

async function snapshot(): Promise<Dump> {
  const db = await Database.open(dbPath);
  try {
    return await dump(db);
  } finally {
    db.close();
  }
}

async function ingest(...args: string[]) {
  const io = bufferIo(dbPath);
  const code = await main(['ingest', ...args], io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

describe('chitieu ingest', () => {
  it('exits 0 when a file loads, and says what it loaded', async () => {
    const r = await ingest(fixture('dot-thousands.csv'));
    expect(r.code).toBe(0);
    const [loaded, computed] = r.out.split('\n');
    expect(loaded).toMatch(
      /^dot-thousands\.csv: loaded as batch b\d{17}-[0-9a-f]{8} — 3 rows read, 3 new, 0 revised, 0 unchanged, 0 missing, 0 warning\(s\); long, utf-8; \d+\.\d\d s$/,
    );
    // the engine follows: the month the batch touched is recomputed
    expect(computed).toMatch(
      /^ {2}indicators recomputed for 1 month\(s\): \d+ target evaluations, \d+ quality findings; \d+\.\d\d s$/,
    );
    expect(r.err).toBe('');
  });

  it('exits 0 and says nothing changed when the same file comes again', async () => {
    const before = await snapshot();
    const r = await ingest(fixture('dot-thousands.csv'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('dot-thousands.csv: already loaded: nothing changed — 3 rows read');
    expect(await snapshot()).toEqual(before);
  });

  it('exits 1 on a bad file, prints each problem, and loads nothing', async () => {
    const before = await snapshot();
    const r = await ingest(fixture('formula-text.csv'));
    expect(r.code).toBe(1);
    expect(r.err.split('\n')).toEqual([
      'formula-text.csv, row 2, column value: formula instead of a value "=1+1" (value "=1+1") [formula]',
      'formula-text.csv, row 3, column value: formula instead of a value "=SUM(D2:D3)" (value "=SUM(D2:D3)") [formula]',
    ]);
    expect(r.out).toContain('formula-text.csv: rejected: 2 error(s), nothing loaded');
    expect(await snapshot()).toEqual(before);
  });

  it('takes each file on its own: a good one loads beside a bad one, and the exit is 1', async () => {
    const r = await ingest(fixture('wide-by-metric-id.csv'), fixture('tied-conventions.csv'));
    expect(r.code).toBe(1);
    expect(r.out.split('\n')).toHaveLength(3); // loaded, recomputed, rejected
    expect(r.out).toContain('wide-by-metric-id.csv: loaded as batch');
    expect(r.out).toContain('tied-conventions.csv: rejected: 2 error(s)');
  });

  it('prints warnings, and loads the file', async () => {
    const r = await ingest(fixture('numerator-above-denominator.csv'));
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      'warning: numerator-above-denominator.csv, row 3, column value: cccd_issued 6100000 is above cccd_eligible 6000000 for 01 2024-07 (cccd_coverage) (value "6.100.000") [numerator_above_denominator]',
    );
  });

  it('--dry-run validates, exits 0 and writes nothing', async () => {
    const before = await snapshot();
    // "40.000" and "13.000" read two ways 1000× apart: loaded only with the mark declared
    const r = await ingest('--dry-run', fixture('vietnamese-periods.csv'), '--thousands', '.');
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      'vietnamese-periods.csv: dry run: valid, nothing written — 4 rows read, 4 new',
    );
    expect(await snapshot()).toEqual(before);
  });

  it('--period and --sheet reach the pipeline', async () => {
    // "900.000" reads as 900000 or 900: only the declared thousands mark may decide it
    const wide = await ingest(
      fixture('wide-with-period-flag.csv'),
      '--period',
      'Quý III/2024',
      '--thousands',
      '.',
    );
    expect(wide.code).toBe(0);
    const book = await ingest(fixture('xlsx-two-sheets.xlsx'), '--sheet', 'Dài');
    expect(book.code).toBe(0);
    expect(book.out).toContain('xlsx-two-sheets.xlsx[Dài]: loaded as batch');
    // its Hà Nội figure revises the one loaded from numerator-above-denominator.csv
    expect(book.out).toContain('3 rows read, 2 new, 1 revised');
  });

  it('--show N prints the first N problems and the count; --report FILE keeps them all', async () => {
    const lines = ['unit_code,period,metric,value'];
    for (let i = 1; i <= 25; i++)
      lines.push(`01,2020-${String((i % 12) + 1).padStart(2, '0')},population,x${i}`);
    const bad = join(template.dir, 'many-bad.csv');
    writeFileSync(bad, `${lines.join('\n')}\n`);
    const reportPath = join(template.dir, 'report.json');
    const r = await ingest(bad, fixture('utf8-bom.csv'), '--show', '2', '--report', reportPath);
    expect(r.code).toBe(1);
    expect(r.err.split('\n')).toEqual([
      'many-bad.csv, row 2, column value: not a number "x1" (value "x1") [not_a_number]',
      'many-bad.csv, row 3, column value: not a number "x2" (value "x2") [not_a_number]',
      '… 23 more error(s); --report FILE lists them all',
    ]);
    const reports = JSON.parse(readFileSync(reportPath, 'utf8')) as IngestReport[];
    expect(reports.map((x) => [x.file, x.status, x.errorCount, x.errors.length])).toEqual([
      ['many-bad.csv', 'rejected', 25, 25],
      ['utf8-bom.csv', 'loaded', 0, 0],
    ]);
    expect(reports[0].errors[24]).toEqual({
      file: 'many-bad.csv',
      row: 26,
      column: 'value',
      value: 'x25',
      rule: 'not_a_number',
      message: 'not a number "x25"',
      vi: 'không phải là số "x25"',
      severity: 'error',
    });
    expect(reports[1]).toMatchObject({ rowsNew: 2, encoding: 'utf-8', layout: 'long' });
  });

  it('exits 2 on usage mistakes, and touches nothing', async () => {
    const before = await snapshot();
    const csv = fixture('dot-thousands.csv');
    const cases: Array<[string[], RegExp]> = [
      [[], /ingest needs a FILE/],
      [[join(template.dir, 'nowhere.csv')], /no such file: .*nowhere\.csv/],
      [[template.dir], /not a file: /],
      [[csv, '--layout', 'tall'], /invalid --layout: tall/],
      [[csv, '--encoding', 'latin-1'], /invalid --encoding: latin-1/],
      [[csv, '--period', 'Tháng 13/2024'], /invalid --period: Tháng 13\/2024/],
      [[csv, '--show', 'all'], /invalid --show: all/],
      [[csv, '--sheet', 'Sheet1'], /--sheet applies to \.xlsx workbooks only/],
      [[csv, '--frobnicate'], /Unknown option '--frobnicate'/],
    ];
    for (const [args, message] of cases) {
      const r = await ingest(...args);
      expect([args, r.code]).toEqual([args, 2]);
      expect(r.err).toMatch(message);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('answers --help with exit 0', async () => {
    const r = await ingest('--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('chitieu ingest — validate and load reported figures');
    expect(r.out).toContain('--sheet NAME');
  });
});
