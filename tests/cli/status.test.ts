import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { Database } from '../../pipelines/db/connect.ts';
import { runDemo } from '../../cli/commands/demo.ts';
import { bufferIo, openTempDb } from '../helpers.ts';

// chitieu status and chitieu sql over the demo (a real database file, the real command line)
describe('chitieu status and chitieu sql', () => {
  let path: string;
  let cleanup: () => void;
  beforeAll(async () => {
    let db: Database;
    ({ db, path, cleanup } = await openTempDb());
    await runDemo(db, { seed: 6, until: '2025-12', asOf: '2026-01-15' });
    db.close();
  });
  afterAll(() => cleanup());

  it('prints the scorecard in Vietnamese, says the data is synthetic, reads code 91 at the period', async () => {
    const io = bufferIo(path);
    expect(await main(['status', '--unit', '91', '--period', 'Quý IV/2024'], io)).toBe(0);
    const out = io.stdout.join('\n');
    expect(out).toContain('DỮ LIỆU MÔ PHỎNG');
    expect(out).toContain('Tỉnh Kiên Giang (p91) — kỳ 2024-Q4');
    expect(out).toMatch(/Số tài khoản định danh điện tử đã kích hoạt: [\d.]+/);
    expect(out).toContain('qd-740-2022-kien-giang, II.2.c');
    const later = bufferIo(path);
    expect(await main(['status', '--unit', '91', '--period', '2025-Q4', '--json'], later)).toBe(0);
    const card = JSON.parse(later.stdout.join('\n'));
    expect(card.unit).toMatchObject({ unit_id: 'p91@2025-07-01', code: '91' });
    expect(card.synthetic).toBe(true);
    expect(card.rows).toHaveLength(26);
  });

  it('shows the country QĐ 06’s own targets, with statuses (2025-Q4)', async () => {
    const io = bufferIo(path);
    expect(await main(['status', '--unit', 'VN', '--period', '2025-Q4', '--json'], io)).toBe(0);
    const card = JSON.parse(io.stdout.join('\n'));
    const national = card.rows.flatMap(
      (r: { targets: Array<{ plan_id: string; status: string }> }) =>
        r.targets.filter((t) => t.plan_id === 'qd-06-2022-national'),
    );
    expect(national.length).toBeGreaterThanOrEqual(1);
    expect(national.some((t: { status: string }) => t.status !== 'no_data')).toBe(true);
  });

  it('the JSON scorecard equals the engine rows it came from', async () => {
    const io = bufferIo(path);
    await main(['status', '--unit', 'VN', '--period', '2025-Q3', '--json'], io);
    const card = JSON.parse(io.stdout.join('\n'));
    const db = await Database.open(path, { readOnly: true });
    try {
      const rows = await db.values<{ indicator_id: string; actual: number | null }>(
        "select indicator_id, actual from actuals where unit_id = 'VN' and period = '2025-Q3' order by indicator_id",
      );
      for (const r of rows) {
        expect(
          card.rows.find((c: { indicator_id: string }) => c.indicator_id === r.indicator_id)
            ?.actual,
        ).toBe(r.actual);
      }
      expect(rows.length).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });

  it('rejects unknown units and periods as usage errors', async () => {
    expect(await main(['status', '--unit', '77', '--period', '2026-Q1'], bufferIo(path))).toBe(2);
    expect(await main(['status', '--unit', 'VN', '--period', 'sometime'], bufferIo(path))).toBe(2);
    expect(await main(['status'], bufferIo(path))).toBe(2);
  });

  it('sql answers read-only queries and refuses writes', async () => {
    const io = bufferIo(path);
    expect(
      await main(['sql', "select count(*) as n from units where level = 'province'"], io),
    ).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/97/);
    const csv = bufferIo(path);
    expect(
      await main(['sql', '--csv', "select unit_id from units where code = '91' order by 1"], csv),
    ).toBe(0);
    expect(csv.stdout).toEqual(['unit_id', 'p91', 'p91@2025-07-01']);
    const write = bufferIo(path);
    expect(await main(['sql', 'delete from core.units'], write)).toBe(1);
    expect(write.stderr.join('\n')).toMatch(/read-only/i);
  });
});
