// After a batch the engine recomputes only the months the batch touched. Its actuals, target
// statuses and reporting must then be what a full refresh of the same data gives: the demo's
// provinces, then a batch holding the next month for every province and revisions two years back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../pipelines/db/connect.ts';
import { initialise } from '../../cli/commands/init.ts';
import { runDemo } from '../../cli/commands/demo.ts';
import { DEFAULT_SEED } from '../../pipelines/demo/generate.ts';
import { ingestFile } from '../../pipelines/load/ingest.ts';
import { batchMonths, refresh } from '../../indicators/compute/refresh.ts';
import { openTempDb } from '../helpers.ts';

const TODAY = '2025-11-25';
/** what a refresh writes, without the time it wrote it */
const OUTPUTS = {
  actuals: 'select * exclude (computed_at) from core.actuals',
  target_status: 'select * exclude (computed_at) from core.target_status',
  reporting_status: 'select * from core.reporting_status',
  findings: `select unit_id, period, metric, rule, severity, value from core.quality_findings
             where batch_id is null`,
};
type Snapshot = Record<keyof typeof OUTPUTS, string[]>;

/** each table as sorted lines, numbers to 12 significant digits (sums may add in another order) */
async function snapshot(db: Database): Promise<Snapshot> {
  const out = {} as Snapshot;
  for (const [name, sql] of Object.entries(OUTPUTS) as Array<[keyof typeof OUTPUTS, string]>) {
    const rows = await db.all<Record<string, unknown>>(sql);
    out[name] = rows
      .map((r) =>
        JSON.stringify(r, (_, v: unknown) =>
          typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? Number(v.toPrecision(12)) : v,
        ),
      )
      .sort();
  }
  return out;
}

describe('an incremental refresh after a batch', () => {
  let db: Database;
  let cleanup: () => void;
  let path: string;
  let months: string[];
  let incremental: Snapshot;
  let full: Snapshot;
  beforeAll(async () => {
    ({ db, cleanup, path } = await openTempDb());
    await initialise(db);
    await runDemo(db, { seed: DEFAULT_SEED, until: '2025-09', asOf: null });
    const file = `${path}.batch.csv`;
    await db.run(`copy (
        select u.code as unit_code, '2025-10' as period, o.metric, (o.value * 1.02)::bigint as value
        from observations o join core.units u using (unit_id)
        where o.period = '2025-09' and u.level = 'province'
        union all
        select u.code, o.period, o.metric, (o.value * 3)::bigint
        from observations o join core.units u using (unit_id)
        where o.period = '2023-11' and u.level = 'province' and u.code in ('01', '79')
          and o.metric = 'dossiers_received'
      ) to '${file}' (header)`);
    const batch = await ingestFile(db, file);
    expect(batch.status).toBe('loaded');
    months = await batchMonths(db, batch.batchId as string);
    await refresh(db, { months, today: TODAY });
    incremental = await snapshot(db);
    await refresh(db, { today: TODAY });
    full = await snapshot(db);
  });
  afterAll(() => cleanup());

  it('recomputes only the months the batch touched', () => {
    expect(months).toEqual(['2023-11', '2025-10']);
  });

  it('gives the actuals, target statuses and reporting of a full refresh, row for row', () => {
    expect(incremental.actuals.length).toBeGreaterThan(90_000);
    expect(incremental.actuals).toEqual(full.actuals);
    expect(incremental.target_status.length).toBeGreaterThan(500);
    expect(incremental.target_status).toEqual(full.target_status);
    expect(incremental.reporting_status).toEqual(full.reporting_status);
  });

  it('finds what a full refresh finds: the two tripled figures as outliers among them', () => {
    // the z-score an outlier's message quotes is left out: after a batch it is computed over the
    // months around the batch's, not the whole series (README, "Data quality")
    const tripled = incremental.findings.filter(
      (f) => f.includes('"period":"2023-11"') && f.includes('"rule":"outlier"'),
    );
    expect(tripled.map((f) => JSON.parse(f).unit_id).sort()).toEqual(['p01', 'p79']);
    expect(incremental.findings).toEqual(full.findings);
  });
});
