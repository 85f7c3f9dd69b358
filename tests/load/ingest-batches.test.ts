// Batches over time: the same file twice changes nothing, a changed figure is a new revision
// that keeps the old one, a dry run writes nothing, a reporter's scope holds, and a bad row deep
// in a large file is found on its line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../../pipelines/db/connect.ts';
import { ingestFile } from '../../pipelines/load/ingest.ts';
import { dump, fixture, makeTemplate, type Template } from '../fixtures/ingest/harness.ts';

let template: Template;
beforeAll(async () => {
  template = await makeTemplate();
});
afterAll(() => template.cleanup());

const write = (name: string, text: string) => {
  const path = join(template.dir, name);
  writeFileSync(path, text);
  return path;
};

describe('idempotency and revisions', () => {
  let db: Database;
  beforeAll(async () => {
    db = await template.copy('revisions');
  });
  afterAll(() => db.close());

  it('loads a file once; the same content again is a no-op that says so', async () => {
    const first = await ingestFile(db, fixture('dot-thousands.csv'));
    expect(first).toMatchObject({ status: 'loaded', rowsNew: 3 });
    const before = await dump(db);
    const again = await ingestFile(db, fixture('dot-thousands.csv'));
    expect(again).toMatchObject({
      status: 'unchanged',
      batchId: null,
      rowsRead: 3,
      rowsNew: 0,
      rowsRevised: 0,
      rowsUnchanged: 3,
    });
    // the same figures written the other way, under another name, are the same figures
    const renamed = await ingestFile(db, fixture('comma-thousands.csv'));
    expect(renamed).toMatchObject({ status: 'unchanged', rowsUnchanged: 3 });
    expect(await dump(db)).toEqual(before);
  });

  it('stores a changed figure as revision 2 and keeps revision 1 with its batch and file', async () => {
    const path = write(
      'correction.csv',
      'unit_code,period,metric,value\n01,2024-07,cccd_issued,6.100.000\n79,2024-07,tthc_total,1.234\n',
    );
    const first = await db.all<{ batch_id: string; sha256: string }>(
      'select batch_id, sha256 from core.batches',
    );
    const r = await ingestFile(db, path);
    expect(r).toMatchObject({ status: 'loaded', rowsNew: 0, rowsRevised: 1, rowsUnchanged: 1 });
    const history = await db.all(
      `select unit_id, period, metric, value, revision, batch_id, file_name, sha256
       from observation_history where unit_id = 'p01' and metric = 'cccd_issued' order by revision`,
    );
    expect(history).toEqual([
      {
        unit_id: 'p01',
        period: '2024-07',
        metric: 'cccd_issued',
        value: 6012345,
        revision: 1,
        batch_id: first[0].batch_id,
        file_name: 'dot-thousands.csv',
        sha256: first[0].sha256,
      },
      {
        unit_id: 'p01',
        period: '2024-07',
        metric: 'cccd_issued',
        value: 6100000,
        revision: 2,
        batch_id: r.batchId,
        file_name: 'correction.csv',
        sha256: r.sha256,
      },
    ]);
    const latest = await db.all(
      `select unit_id, metric, value, batch_id from observations order by unit_id, metric`,
    );
    expect(latest).toEqual([
      { unit_id: 'p01', metric: 'cccd_eligible', value: 6543210, batch_id: first[0].batch_id },
      { unit_id: 'p01', metric: 'cccd_issued', value: 6100000, batch_id: r.batchId },
      { unit_id: 'p79', metric: 'tthc_total', value: 1234, batch_id: first[0].batch_id },
    ]);
    const batches = await db.all(
      `select file_name, rows_read, rows_new, rows_revised, rows_unchanged, warnings, layout, encoding, loaded_by
       from core.batches order by loaded_at`,
    );
    expect(batches).toEqual([
      {
        file_name: 'dot-thousands.csv',
        rows_read: '3',
        rows_new: '3',
        rows_revised: '0',
        rows_unchanged: '0',
        warnings: '0',
        layout: 'long',
        encoding: 'utf-8',
        loaded_by: 'cli',
      },
      {
        file_name: 'correction.csv',
        rows_read: '2',
        rows_new: '0',
        rows_revised: '1',
        rows_unchanged: '1',
        warnings: '0',
        layout: 'long',
        encoding: 'utf-8',
        loaded_by: 'cli',
      },
    ]);
  });

  it('reading the old file again makes its value the latest again, as revision 3', async () => {
    const r = await ingestFile(db, fixture('dot-thousands.csv'), { loadedBy: 'token-7' });
    expect(r).toMatchObject({ status: 'loaded', rowsRevised: 1, rowsUnchanged: 2 });
    const revisions = await db.all<{ revision: number; value: number }>(
      `select revision, value from observation_history
       where unit_id = 'p01' and metric = 'cccd_issued' order by revision`,
    );
    expect(revisions).toEqual([
      { revision: 1, value: 6012345 },
      { revision: 2, value: 6100000 },
      { revision: 3, value: 6012345 },
    ]);
    expect(
      await db.scalar('select loaded_by from core.batches where batch_id = $b', { b: r.batchId }),
    ).toBe('token-7');
  });

  it('a missing figure ("-") never overwrites a stored one', async () => {
    const before = await dump(db);
    const path = write('blanked.csv', 'unit_code,period,metric,value\n01,2024-07,cccd_issued,-\n');
    const r = await ingestFile(db, path);
    expect(r).toMatchObject({ status: 'unchanged', rowsRead: 1, rowsMissing: 1, rowsNew: 0 });
    expect(await dump(db)).toEqual(before);
  });
});

describe('dry run', () => {
  it('validates and counts what would change, and writes nothing', async () => {
    const db = await template.copy('dry-run');
    try {
      await ingestFile(db, fixture('dot-thousands.csv'));
      const before = await dump(db);
      const path = write(
        'dry.csv',
        'unit_code,period,metric,value\n01,2024-07,cccd_issued,6.100.000\n01,2024-08,cccd_issued,6.200.000\n01,2024-07,cccd_eligible,6.543.210\n',
      );
      const r = await ingestFile(db, path, { dryRun: true });
      expect(r).toMatchObject({
        status: 'dry_run',
        batchId: null,
        rowsRead: 3,
        rowsNew: 1,
        rowsRevised: 1,
        rowsUnchanged: 1,
      });
      const bad = await ingestFile(db, fixture('formula-text.csv'), { dryRun: true });
      expect(bad).toMatchObject({ status: 'rejected', errorCount: 2 });
      const warned = await ingestFile(db, fixture('numerator-above-denominator.csv'), {
        dryRun: true,
      });
      expect(warned).toMatchObject({ status: 'dry_run', warningCount: 1 });
      expect(await dump(db)).toEqual(before);
    } finally {
      db.close();
    }
  });
});

describe('a reporter scoped to a unit', () => {
  it('may load figures for units under it, and nothing when a row lies outside', async () => {
    const db = await template.copy('scope');
    try {
      const before = await dump(db);
      const r = await ingestFile(db, fixture('dot-thousands.csv'), { scopeUnitId: 'p79' });
      expect(r.errors).toEqual([
        {
          file: 'dot-thousands.csv',
          row: 2,
          column: 'unit_code',
          value: '01',
          rule: 'out_of_scope',
          message: 'Thành phố Hà Nội is outside the units this token may report for',
          vi: 'Thành phố Hà Nội nằm ngoài phạm vi đơn vị mà tài khoản này được báo cáo',
          severity: 'error',
        },
        {
          file: 'dot-thousands.csv',
          row: 3,
          column: 'unit_code',
          value: '01',
          rule: 'out_of_scope',
          message: 'Thành phố Hà Nội is outside the units this token may report for',
          vi: 'Thành phố Hà Nội nằm ngoài phạm vi đơn vị mà tài khoản này được báo cáo',
          severity: 'error',
        },
      ]);
      expect(await dump(db)).toEqual(before);
      const commune = write(
        'commune.csv',
        'unit_code,period,metric,value\n00001,2024-07,population,12000\n',
      );
      expect(await ingestFile(db, commune, { scopeUnitId: 'p01' })).toMatchObject({
        status: 'loaded',
        rowsNew: 1,
      });
    } finally {
      db.close();
    }
  });
});

describe('a large file', () => {
  const METRICS = [
    'population',
    'cccd_eligible',
    'cccd_applications',
    'cccd_issued',
    'vneid_registered',
    'vneid_activated',
    'vneid_l2_activated',
    'tthc_total',
    'dossiers_received',
    'dossiers_online',
    'dossiers_digitized',
    'results_electronic',
    'dossiers_on_time',
    'work_records_total',
    'work_records_online',
    'survey_responses',
    'survey_satisfied',
  ];

  /** 25,000 distinct figures of the 63 provinces over 2023–2024; `bad` replaces one line. */
  async function bigFile(db: Database, name: string, bad: Map<number, string>): Promise<string> {
    const codes = (
      await db.all<{ code: string }>(
        `select code from units where level = 'province' and valid_to is not null order by code`,
      )
    ).map((r) => r.code);
    const lines = ['unit_code,period,metric,value'];
    for (let i = 0; lines.length < 25001; i++) {
      const code = codes[i % codes.length];
      const month = Math.floor(i / codes.length) % 24;
      const metric = METRICS[Math.floor(i / (codes.length * 24))];
      const period = `${2023 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
      lines.push(bad.get(lines.length + 1) ?? `${code},${period},${metric},${1000 + i}`);
    }
    return write(name, `${lines.join('\n')}\n`);
  }

  it('names the bad row at line 20,001 and loads nothing', async () => {
    const db = await template.copy('large');
    try {
      const path = await bigFile(db, 'large.csv', new Map([[20001, '01,2024-07,population,12a']]));
      const before = await dump(db);
      const r = await ingestFile(db, path);
      expect(r.errors).toEqual([
        {
          file: 'large.csv',
          row: 20001,
          column: 'value',
          value: '12a',
          rule: 'not_a_number',
          message: 'not a number "12a"',
          vi: 'không phải là số "12a"',
          severity: 'error',
        },
      ]);
      expect(r).toMatchObject({ status: 'rejected', rowsRead: 25000, errorCount: 1 });
      expect(await dump(db)).toEqual(before);

      // a blank line near the top moves the bad row down by one line
      const moved = await bigFile(
        db,
        'large-moved.csv',
        new Map([
          [100, '01,2030-01,population,1\n'],
          [20001, '01,2024-07,population,12a'],
        ]),
      );
      const m = await ingestFile(db, moved);
      expect(m.errors.map((e) => [e.row, e.value])).toEqual([[20002, '12a']]);

      // without the bad row, all 25,000 load
      const good = await bigFile(db, 'large-good.csv', new Map());
      const ok = await ingestFile(db, good);
      expect(ok).toMatchObject({ status: 'loaded', rowsRead: 25000, rowsNew: 25000 });
      expect(Number(await db.scalar('select count(*) from observations'))).toBe(25000);
    } finally {
      db.close();
    }
  });

  it('reports every error but keeps the first 1,000 in the report', async () => {
    const db = await template.copy('many-errors');
    try {
      const bad = new Map<number, string>();
      for (let line = 2; line <= 1501; line++) bad.set(line, `01,2024-07,population,x${line}`);
      const path = await bigFile(db, 'many.csv', bad);
      const r = await ingestFile(db, path);
      expect(r.errorCount).toBe(1500);
      expect(r.errors).toHaveLength(1000);
      expect(r.errors[0]).toMatchObject({ row: 2, value: 'x2', rule: 'not_a_number' });
      expect(r.errors[999]).toMatchObject({ row: 1001, value: 'x1001' });
    } finally {
      db.close();
    }
  });
});
