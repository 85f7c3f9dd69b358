// Bounded, and never a crash: a file of fifty thousand warnings loads with a report that keeps
// the first ERROR_LIMIT and counts them all (every one stored as a finding); a DuckDB error while
// the batch is written leaves the database exactly as it was and is one line on the terminal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../cli/main.ts';
import { Database } from '../../pipelines/db/connect.ts';
import { ERROR_LIMIT, ingestFile } from '../../pipelines/load/ingest.ts';
import { bufferIo } from '../helpers.ts';
import { dump, fixture, makeTemplate, type Template } from '../fixtures/ingest/harness.ts';

let template: Template;
beforeAll(async () => {
  template = await makeTemplate();
});
afterAll(() => template.cleanup());

/** Everything a batch may write, its keys included. */
async function everything(db: Database) {
  return {
    ...(await dump(db)),
    keys: await db.all(
      `select 'unit' as kind, unit_key as key, unit_id as name from core.unit_keys
       union all select 'period', period_key, period from core.period_keys
       union all select 'metric', metric_key, metric from core.metric_keys
       order by all`,
    ),
  };
}

// per (unit, period), two denominators and six numerators above them: six broken ratios
const METRICS: Array<[string, number]> = [
  ['cccd_eligible', 1000],
  ['cccd_issued', 2000],
  ['vneid_activated', 2000],
  ['dossiers_received', 1000],
  ['dossiers_online', 2000],
  ['dossiers_digitized', 2000],
  ['results_electronic', 2000],
  ['dossiers_on_time', 2000],
];

describe('a file of fifty thousand warnings', () => {
  let path: string;
  const COMMUNES = 4167;
  const WARNINGS = COMMUNES * 2 * 6;

  beforeAll(async () => {
    const db = await template.copy('warnings-codes');
    try {
      const codes = await db.all<{ code: string }>(
        `select code from units where level = 'commune' and valid_to is not null
         order by code limit ${COMMUNES}`,
      );
      const lines = ['unit_code,period,metric,value'];
      for (const period of ['2024-01', '2024-02'])
        for (const { code } of codes)
          for (const [metric, value] of METRICS) lines.push(`${code},${period},${metric},${value}`);
      path = join(template.dir, 'warnings.csv');
      writeFileSync(path, `${lines.join('\n')}\n`);
    } finally {
      db.close();
    }
  });

  it.each([true, false])(
    'loads, keeps the first of them and counts all (fast: %s)',
    async (fast) => {
      const db = await template.copy(`warnings-${fast}`);
      try {
        const r = await ingestFile(db, path, { fast });
        expect(r).toMatchObject({
          status: 'loaded',
          rowsRead: COMMUNES * 2 * METRICS.length,
          rowsNew: COMMUNES * 2 * METRICS.length,
          errorCount: 0,
          warningCount: WARNINGS,
        });
        expect(WARNINGS).toBeGreaterThan(50_000);
        expect(r.warnings).toHaveLength(ERROR_LIMIT);
        // in the order of the file: the six numerators of each key, key after key
        expect(r.warnings[0]).toMatchObject({
          row: 3,
          column: 'value',
          value: '2000',
          rule: 'numerator_above_denominator',
          severity: 'warning',
        });
        expect(r.warnings[0].message).toMatch(
          /^cccd_issued 2000 is above cccd_eligible 1000 for \d{5} 2024-01 \(cccd_coverage\)$/,
        );
        expect(r.warnings[999]).toMatchObject({ row: 2 + 8 * 166 + 5 });
        const [stored] = await db.all<{ n: string; lines: string }>(
          `select count(*) as n, count(distinct line) as lines from core.quality_findings
         where batch_id = $b and rule = 'numerator_above_denominator'`,
          { b: r.batchId },
        );
        expect(stored).toEqual({ n: String(WARNINGS), lines: String(WARNINGS) });
        const [batch] = await db.all<{ warnings: string }>(
          'select warnings from core.batches where batch_id = $b',
          { b: r.batchId },
        );
        expect(batch.warnings).toBe(String(WARNINGS));
      } finally {
        db.close();
      }
    },
  );
});

describe('the value a warning quotes', () => {
  it('is the figure as written, grouped by commas or not at all, on either path', async () => {
    const lines = ['unit_code,period,metric,value'];
    const codes = ['01', '79', '91', '96', '22', '31', '48', '92'];
    codes.forEach((code, i) => {
      lines.push(`${code},2024-03,cccd_eligible,"1,000"`);
      lines.push(`${code},2024-03,cccd_issued,${i % 2 ? '5000' : '"1,234,567"'}`);
      lines.push(`${code},2024-03,vneid_activated,"12,345"`);
    });
    const path = join(template.dir, 'commas.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const quoted = [];
    for (const fast of [true, false]) {
      const db = await template.copy(`commas-${fast}`);
      try {
        // "1,000" is a lone whole thousand (1000 or 1): only a declared mark reads it (issue 13)
        const r = await ingestFile(db, path, { fast, thousands: ',' });
        expect(r).toMatchObject({ status: 'loaded', warningCount: 16 });
        quoted.push(
          await db.all('select line, value, message from core.quality_findings order by line'),
        );
      } finally {
        db.close();
      }
    }
    expect(quoted[0]).toEqual(quoted[1]);
    expect(quoted[0].slice(0, 3)).toEqual([
      {
        line: '3',
        value: '1,234,567',
        message: 'cccd_issued 1234567 is above cccd_eligible 1000 for 01 2024-03 (cccd_coverage)',
      },
      {
        line: '4',
        value: '12,345',
        message:
          'vneid_activated 12345 is above cccd_eligible 1000 for 01 2024-03 (vneid_activation_rate)',
      },
      {
        line: '6',
        value: '5000',
        message: 'cccd_issued 5000 is above cccd_eligible 1000 for 79 2024-03 (cccd_coverage)',
      },
    ]);
  });
});

describe('one figure repeated thirty thousand times with different values', () => {
  it('is one error listing the first five rows and values, not thirty thousand', async () => {
    const lines = ['unit_code,period,metric,value'];
    for (let i = 0; i < 30_000; i++) lines.push(`01,2024-03,cccd_issued,${i}`);
    const path = join(template.dir, 'repeated.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const db = await template.copy('repeated');
    try {
      const r = await ingestFile(db, path);
      expect(r).toMatchObject({ status: 'rejected', errorCount: 1 });
      expect(r.errors[0]).toMatchObject({
        rule: 'conflicting_duplicate',
        value: '0 / 1 / 2 / 3 / 4 / …',
        message:
          'the same unit, period and metric appear on rows 2, 3, 4, 5, 6 and 29995 more with different values',
      });
    } finally {
      db.close();
    }
  });
});

describe('a file of many read buffers', () => {
  it('stores each figure with its own line, whichever read takes it', async () => {
    // DuckDB reads a large file in buffers, in parallel: the fast path numbers rows by their
    // place in a table written in file order, which a join in the read (DuckDB rewrites an
    // `in (…)` of many constants into one) would shuffle, buffer by buffer, without a sound
    const db = await template.copy('buffers');
    try {
      const codes = await db.all<{ code: string }>(
        `select code from units where level = 'commune' and valid_to is not null order by code`,
      );
      const metrics = METRICS.map(([m]) => m);
      const lines = ['unit_code,period,metric,value'];
      for (let month = 1; month <= 12; month++) {
        const period = `2024-${String(month).padStart(2, '0')}`;
        for (const { code } of codes) {
          // the figure is the row's line; one in a thousand is missing ("-" or blank)
          for (const metric of metrics) {
            const line = lines.length + 1;
            const value = line % 1000 === 0 ? (line % 2000 === 0 ? '-' : '') : String(line);
            lines.push(`${code},${period},${metric},${value}`);
          }
        }
      }
      const big = join(template.dir, 'buffers.csv');
      writeFileSync(big, `${lines.join('\n')}\n`);
      const r = await ingestFile(db, big);
      expect(r).toMatchObject({ status: 'loaded', rowsRead: lines.length - 1 });
      expect(r.rowsMissing).toBe(Math.floor(lines.length / 1000));
      const [check] = await db.all<{ n: string; wrong: string }>(
        `select count(*) as n, count(*) filter (where value <> line) as wrong
         from core.observation_revisions where batch_id = $b`,
        { b: r.batchId },
      );
      expect(check).toEqual({ n: String(r.rowsNew), wrong: '0' });
    } finally {
      db.close();
    }
  });

  it('numbers rows in reads whose plans have no join (a join loses the file order)', async () => {
    // the shuffle shows only on some files (the bench's, of 135 MB and more): the plans say it
    const db = await template.copy('plans');
    try {
      const plans: string[] = [];
      const run = db.run.bind(db);
      db.run = async (sql, ...rest) => {
        await run(sql, ...rest);
        const read = /^\s*create or replace temp table fast_rows as/.exec(sql);
        if (read) {
          const [plan] = await db.all<{ explain_value: string }>(
            `explain ${sql.slice(read[0].length)}`,
          );
          plans.push(plan.explain_value);
        }
      };
      // the single read (codes, canonical periods), then the careful one (names)
      expect((await ingestFile(db, fixture('dash-missing-values.csv'))).status).toBe('loaded');
      expect((await ingestFile(db, fixture('nfd-unit-names.csv'))).status).toBe('loaded');
      expect(plans).toHaveLength(2);
      for (const plan of plans) expect(plan).not.toMatch(/JOIN/);
    } finally {
      db.close();
    }
  });
});

describe('a DuckDB error while the batch is written', () => {
  // real DuckDB errors at either end of the batch's transaction: the figures themselves (a NOT
  // NULL their note breaks), or the findings written last (a value that is not an integer)
  const BREAKS: Array<[string, string, string, RegExp]> = [
    [
      'the figures',
      'alter table core.observation_facts alter column note set not null',
      'dot-thousands.csv',
      /^the ingest failed while writing the batch: Constraint Error: NOT NULL constraint failed: observation_facts\.note; nothing was loaded$/,
    ],
    [
      'the findings',
      'alter table core.quality_findings alter column value type integer',
      'numerator-above-denominator.csv',
      /^the ingest failed while writing the batch: Conversion Error: .*; nothing was loaded$/,
    ],
  ];

  for (const [what, breakIt, file, message] of BREAKS) {
    it.each([true, false])(`in ${what} leaves the database unchanged (fast: %s)`, async (fast) => {
      const db = await template.copy(`broken-${what.replace(/\W/g, '')}-${fast}`);
      try {
        // a batch before, whose figures all have a note
        const first = await ingestFile(db, fixture('windows-1258-combining-tones.csv'));
        expect(first.status).toBe('loaded');
        await db.run(breakIt);
        const before = await everything(db);
        const r = await ingestFile(db, fixture(file), { fast });
        expect(r).toMatchObject({ status: 'rejected', batchId: null, errorCount: 1 });
        expect(r.errors).toEqual([
          {
            file,
            row: null,
            column: null,
            value: null,
            rule: 'ingest_failed',
            message: expect.stringMatching(message),
            severity: 'error',
          },
        ]);
        expect(await everything(db)).toEqual(before);
        // and the connection takes the next batch
        const next = await ingestFile(db, fixture('windows-1258-combining-tones.csv'), {
          fileName: 'again.csv',
        });
        expect(next).toMatchObject({ status: 'unchanged', rowsUnchanged: 2 });
      } finally {
        db.close();
      }
    });
  }

  it('chitieu ingest prints it as one line and exits 1', async () => {
    const dbPath = template.copyPath('broken-cli');
    const db = await Database.open(dbPath);
    await db.run('alter table core.observation_facts alter column note set not null');
    db.close();
    const io = bufferIo(dbPath);
    const code = await main(['ingest', fixture('dot-thousands.csv')], io);
    expect(code).toBe(1);
    expect(io.stderr).toEqual([
      'dot-thousands.csv: the ingest failed while writing the batch: Constraint Error: NOT NULL constraint failed: observation_facts.note; nothing was loaded [ingest_failed]',
    ]);
    expect(io.stdout.join('\n')).toMatch(
      /^dot-thousands\.csv: rejected: 1 error\(s\), nothing loaded — 0 rows read/,
    );
  });
});
