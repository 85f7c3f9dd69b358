// The fast path for clean long CSVs must store exactly what the general path stores: every fixture
// and a realistic month of the demo are loaded both ways, each into a fresh copy of the same
// database, and the reports and everything written are compared.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../pipelines/db/connect.ts';
import { ingestFile, type IngestOptions, type IngestReport } from '../../pipelines/load/ingest.ts';
import { FIXTURES, makeTemplate, type Template } from '../fixtures/ingest/harness.ts';

let template: Template;
beforeAll(async () => {
  template = await makeTemplate();
});
afterAll(() => template.cleanup());

/** What an ingest wrote, without what differs by nature (batch ids, clock times). */
async function written(db: Database) {
  return {
    revisions: await db.all(
      `select unit_id, unit_code, period, metric, value, revision, reported_at, note, line
       from core.observation_revisions order by all`,
    ),
    batches: await db.all(
      `select file_name, sha256, rows_read, rows_new, rows_revised, rows_unchanged, warnings,
              layout, encoding from core.batches order by all`,
    ),
    findings: await db.all(
      `select unit_id, period, metric, rule, severity, message, value, line
       from core.quality_findings order by all`,
    ),
  };
}

const comparable = ({ batchId: _b, seconds: _s, ...report }: IngestReport) => report;

async function both(name: string, files: string[], options: IngestOptions = {}) {
  const out = [];
  for (const fast of [true, false]) {
    const db = await template.copy(`${name}-${fast}`);
    try {
      const reports = [];
      // which path ran: the general one reads every row into the table `ingest_long`
      const statements: string[] = [];
      const run = db.run.bind(db);
      db.run = (sql, ...rest) => {
        statements.push(sql);
        return run(sql, ...rest);
      };
      for (const file of files) {
        reports.push(comparable(await ingestFile(db, file, { ...options, fast })));
      }
      const validated = statements.some((sql) => /temp table ingest_long\b/.test(sql));
      const tookFast = !validated && statements.some((sql) => /temp table fast_rows\b/.test(sql));
      // and how the fast path read the file: once, or twice (read 1 aggregates its distinct values)
      const singleRead = tookFast && !statements.some((sql) => /grouping sets/.test(sql));
      out.push({ reports, written: await written(db), validated, tookFast, singleRead });
    } finally {
      db.close();
    }
  }
  return { fast: out[0], checked: out[1] };
}

const files = readdirSync(FIXTURES).filter((f) => /\.(csv|txt|json|xlsx|xls|bin)$/.test(f));

// the fixtures a clean long CSV is made of (every encoding, convention and unit spelling)
const FAST_FIXTURES = new Set([
  'ambiguous-thousands-only.csv',
  'code-91-before-and-after-reform.csv',
  'comma-thousands.csv',
  'commune-codes-across-reform.csv',
  'dash-missing-values.csv',
  'dot-thousands.csv',
  'nfd-unit-names.csv',
  'numerator-above-denominator.csv',
  'snapshot-dates.csv',
  'unit-names-without-prefix.csv',
  'utf16be-bom.csv',
  'utf16le-excel-unicode-text.txt',
  'utf8-bom.csv',
  'vietnamese-periods.csv',
  'windows-1258-combining-tones.csv',
]);

// the clean long files whose units are codes, periods canonical and figures digits or thousands:
// the single read against the catalogue takes them; the others take two reads
const SINGLE_READ_FIXTURES = new Set([
  'ambiguous-thousands-only.csv',
  'code-91-before-and-after-reform.csv',
  'comma-thousands.csv',
  'commune-codes-across-reform.csv',
  'dash-missing-values.csv',
  'dot-thousands.csv',
  'numerator-above-denominator.csv',
  'utf16be-bom.csv',
  'utf8-bom.csv',
]);

describe('fast path = general path', () => {
  // a file whose lone groups are whole thousands ("40.000") loads only with its mark declared
  const OPTIONS: Record<string, IngestOptions> = { 'vietnamese-periods.csv': { thousands: '.' } };
  it.each(files)('%s', async (file) => {
    const { fast, checked } = await both(
      file.replace(/\W/g, '_'),
      [join(FIXTURES, file)],
      OPTIONS[file],
    );
    // the fast path must still be taken by the clean long files, and only by them
    expect(fast.tookFast).toBe(FAST_FIXTURES.has(file));
    expect(fast.singleRead).toBe(SINGLE_READ_FIXTURES.has(file));
    expect(fast.reports).toEqual(checked.reports);
    expect(fast.written).toEqual(checked.written);
  });

  it('a month of five provinces, then its corrections (revisions, a ratio warning), then the same again', async () => {
    const codes = ['01', '79', '91', '96', '22'];
    const metrics = [
      'population',
      'cccd_eligible',
      'cccd_issued',
      'vneid_activated',
      'dossiers_received',
      'dossiers_online',
    ];
    const rows = (scale: number, note: string) =>
      codes.flatMap((code, i) =>
        metrics.map(
          (m, j) => `${code},2026-01,${m},${Math.round((1000 + i * 37 + j * 11) * scale)},${note}`,
        ),
      );
    const first = join(template.dir, 'month.csv');
    writeFileSync(first, `unit_code,period,metric,value,note\n${rows(1000, 'first').join('\n')}\n`);
    // corrections: some values change (revisions), the rest stay (unchanged), one ratio breaks
    const second = join(template.dir, 'corrections.csv');
    const changed = rows(1000, 'first').map((line, k) =>
      k % 4 === 0 ? line.replace(/,(\d+),first$/, (_m, v) => `,${Number(v) + 7},first`) : line,
    );
    changed.push('79,2026-01,dossiers_online,99999999,first');
    writeFileSync(
      second,
      `unit_code,period,metric,value,note\n${changed.filter((l) => !l.startsWith('79,2026-01,dossiers_online,') || l.endsWith('99999999,first')).join('\n')}\n`,
    );
    const { fast, checked } = await both('month', [first, second, second]);
    expect(fast.tookFast).toBe(true);
    expect(fast.singleRead).toBe(true);
    expect(checked.validated).toBe(true);
    expect(fast.reports).toEqual(checked.reports);
    expect(fast.written).toEqual(checked.written);
    expect(fast.reports.map((r) => r.status)).toEqual(['loaded', 'loaded', 'unchanged']);
    expect(fast.reports[1].rowsRevised).toBeGreaterThan(5);
    expect(fast.reports[1].warningCount).toBeGreaterThan(0);
  });
});
