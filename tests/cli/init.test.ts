import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../cli/main.ts';
import { Database } from '../../pipelines/db/connect.ts';
import { POST_2025, PRE_2025, bufferIo, tempDir } from '../helpers.ts';

const VIEWS = [
  'units',
  'unit_succession',
  'metrics',
  'indicators',
  'plans',
  'targets',
  'tasks',
  'procedures',
  'observations',
  'progress',
  'reporting',
];

async function dump(path: string): Promise<Record<string, unknown[]>> {
  const db = await Database.open(path);
  try {
    const out: Record<string, unknown[]> = {};
    for (const view of VIEWS) out[view] = await db.all(`select * from ${view} order by all`);
    out.meta = await db.all(
      "select * from core.meta where key <> 'definitions_loaded_at' order by all",
    );
    return out;
  } finally {
    db.close();
  }
}

describe('chitieu init', () => {
  let dir: string;
  let cleanup: () => void;
  let path: string;
  beforeAll(() => {
    ({ dir, cleanup } = tempDir());
    path = join(dir, 'sub', 'chitieu.duckdb');
  });
  afterAll(() => cleanup());

  it('creates the database (and its folder) and loads the catalogue', async () => {
    const io = bufferIo(path);
    expect(await main(['init'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/applied migrations 1/);
    const d = await dump(path);
    expect(d.units).toHaveLength(98);
    // the catalogue's 49 metrics and 41 that plans declare for their own targets
    expect(d.metrics).toHaveLength(90);
    expect(d.indicators).toHaveLength(26);
    expect(d.plans.length).toBeGreaterThanOrEqual(6);
  });

  it('run again, changes nothing and says so', async () => {
    const before = await dump(path);
    const io = bufferIo(path);
    expect(await main(['init'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/nothing to do/);
    expect(await dump(path)).toEqual(before);
  });

  it('links plans to their units once the full lists are imported', async () => {
    const io = bufferIo(path);
    expect(await main(['units', 'import', PRE_2025, POST_2025], io)).toBe(0);
    expect(io.stdout[0]).toMatch(/10794 units — 10731 added/);
    const db = await Database.open(path);
    try {
      const plans = await db.all<{ plan_id: string; unit_id: string | null }>(
        'select plan_id, unit_id from plans order by plan_id',
      );
      expect(plans.filter((p) => p.unit_id === null)).toEqual([]);
      const kg = plans.find((p) => p.plan_id === 'qd-740-2022-kien-giang');
      if (kg) expect(kg.unit_id).toBe('p91');
    } finally {
      db.close();
    }
  });

  it('rejects a bad unit list with exit 1 and loads nothing', async () => {
    const before = await dump(path);
    const bad = join(dir, 'bad.csv');
    writeFileSync(
      bad,
      'code,name,level,parent_code,valid_from,valid_to\n99901,Xã Một,commune,999,,\n',
    );
    const io = bufferIo(path);
    expect(await main(['units', 'import', bad], io)).toBe(1);
    expect(io.stderr.join('\n')).toContain('bad.csv, row 2, column parent_code');
    expect(io.stderr.join('\n')).toContain('nothing was loaded');
    expect(await dump(path)).toEqual(before);
  });

  it('answers usage mistakes with exit 2 and --help with exit 0', async () => {
    const io = bufferIo(path);
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(await main(['units'], io)).toBe(2);
    expect(await main(['units', 'import'], io)).toBe(2);
    expect(await main(['units', 'import', join(dir, 'missing.csv')], io)).toBe(2);
    for (const command of ['init', 'units', 'start']) {
      const help = bufferIo(path);
      expect(await main([command, '--help'], help)).toBe(0);
      expect(help.stdout.join('\n')).toContain(`chitieu ${command}`);
    }
    const top = bufferIo(path);
    expect(await main(['--help'], top)).toBe(0);
    expect(top.stdout.join('\n')).toContain('Commands:');
  });
});
