// `chitieu export`: the same exports as the HTTP route, written to a file from a read-only
// database; usage errors exit 2, an unknown unit 1.
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { main } from '../../cli/main.ts';
import { Database } from '../../pipelines/db/connect.ts';
import { bufferIo, tempDir } from '../helpers.ts';

let dir: string;
let dbPath: string;
let cleanup: () => void;

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  dbPath = join(dir, 'demo.duckdb');
  copyFileSync(inject('demoDb'), dbPath);
});
afterAll(() => cleanup());

async function direct<T>(sql: string): Promise<T> {
  const db = await Database.open(dbPath, { readOnly: true });
  try {
    return (await db.scalar(sql)) as T;
  } finally {
    db.close();
  }
}

const run = async (...args: string[]) => {
  const io = bufferIo(dbPath);
  const code = await main(['export', ...args], io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
};

const FILTER = `unit_id = 'p91' and period between '2024-01' and '2024-12'`;

describe('chitieu export', () => {
  it('writes CSV, Parquet and Arrow equal to the view with the same filters', async () => {
    const want = Number(await direct(`select count(*) from observations where ${FILTER}`));
    expect(want).toBeGreaterThan(0);
    const csv = join(dir, 'kg.csv');
    const r = await run(
      'observations',
      '--format',
      'csv',
      '--out',
      csv,
      '--unit',
      '91',
      '--from',
      '2024-01',
      '--to',
      '2024-12',
    );
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toBe(`wrote ${want} observations rows to ${csv}`);
    // the same subtree and year, given by unit id and year this time
    const byId = async (format: string) => {
      const out = join(dir, `kg.${format}`);
      const args = [
        '--format',
        format,
        '--out',
        out,
        '--unit',
        'p91',
        '--from',
        '2024',
        '--to',
        '2024',
      ];
      expect((await run('observations', ...args)).code).toBe(0);
      return out;
    };
    const parquet = await byId('parquet');
    const arrow = await byId('arrow');
    expect(tableFromIPC(readFileSync(arrow)).numRows).toBe(want);
    for (const relation of [
      `read_csv('${csv}', header = true, columns = {'unit_id': 'VARCHAR', 'unit_code': 'VARCHAR', 'period': 'VARCHAR', 'metric': 'VARCHAR', 'value': 'DOUBLE', 'batch_id': 'VARCHAR', 'loaded_at': 'TIMESTAMP'})`,
      `read_parquet('${parquet}')`,
    ]) {
      const differ = Number(
        await direct(`select count(*) from (
          ((from ${relation}) except all (select * from observations where ${FILTER}))
          union all
          ((select * from observations where ${FILTER}) except all (from ${relation})))`),
      );
      expect(differ).toBe(0);
    }
  });

  it('exports progress for one indicator', async () => {
    const out = join(dir, 'progress.csv');
    const r = await run(
      'progress',
      '--format',
      'csv',
      '--out',
      out,
      '--indicator',
      'cccd_coverage',
      '--unit',
      'VN',
      '--from',
      '2025-Q1',
    );
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\r\n');
    expect(lines[0].startsWith('indicator_id,unit_id,unit_code,period,actual,')).toBe(true);
    expect(lines.slice(1).every((l) => l.startsWith('cccd_coverage,'))).toBe(true);
    expect(r.out).toBe(`wrote ${lines.length - 1} progress rows to ${out}`);
  });

  it('answers --help, and exits 2 on usage errors and 1 on an unknown unit', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('chitieu export observations|progress');
    expect(help.out).toContain('/api/export');
    const out = join(dir, 'never.csv');
    expect((await run('--format', 'csv', '--out', out)).code).toBe(2);
    expect((await run('targets', '--format', 'csv', '--out', out)).code).toBe(2);
    expect((await run('observations', '--format', 'xlsx', '--out', out)).code).toBe(2);
    expect((await run('observations', '--format', 'csv')).code).toBe(2);
    expect(
      (await run('observations', '--format', 'csv', '--out', out, '--from', 'soon')).code,
    ).toBe(2);
    expect((await run('observations', '--format', 'csv', '--out', out, '--bogus')).code).toBe(2);
    const unknown = await run('observations', '--format', 'csv', '--out', out, '--unit', 'nowhere');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('no unit has code, id or name nowhere');
    expect(existsSync(out)).toBe(false);
  });
});
