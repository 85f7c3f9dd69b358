// Reporting timeliness as a unit × month grid: the unit's own obligations and its children's,
// each month on_time, late, missing or pending (from the `reporting` view), with when the report
// arrived (received_at, Vietnam time) and the date the unit's files declared (declared_at).
import type { Database } from '../../pipelines/db/connect.ts';
import { monthOfDate as month, monthsBetween } from '../../pipelines/normalize/calendar.ts';
import type { Period } from '../../pipelines/normalize/periods.ts';
import type { Unit } from '../../pipelines/normalize/units.ts';
import type { ReportingResponse } from '../schemas/reporting.ts';
import { countBy, readRange } from './common.ts';

type Cell = ReportingResponse['cells'][number] & { code: string; name: string; own: boolean };

/** Whose reports, over which months (resolved at the edge: a code is read at the end of `to`). */
export interface ReportingParams {
  unit: Unit;
  from?: Period;
  to?: Period;
}

export async function reportingGrid(
  db: Database,
  params: ReportingParams,
): Promise<ReportingResponse> {
  const { unit } = params;
  const range = readRange(params.from, params.to);
  // grain: one row per (unit, month) owed by the unit or one of its children; months are
  // YYYY-MM text, so the range compares as text
  const cells = await db.all<Cell>(
    `select r.unit_id, u.code, u.full_name as name, r.unit_id = $u own, r.period,
            strftime(r.due_on, '%Y-%m-%d') due_on,
            strftime(r.received_at, '%Y-%m-%d %H:%M:%S') received_at, r.status, r.plan_id,
            strftime(r.declared_at, '%Y-%m-%d %H:%M:%S') declared_at
     from reporting r join core.units u using (unit_id)
     where (r.unit_id = $u or u.parent_id = $u) and r.period between $from and $to
     order by own desc, u.code, r.unit_id, r.period`,
    {
      u: unit.unit_id,
      from: range.from ? month(range.from.start) : '0000-00',
      to: range.to ? month(range.to.end) : '9999-99',
    },
  );
  const rows = new Map<string, ReportingResponse['units'][number]>();
  for (const c of cells) rows.set(c.unit_id, { unit_id: c.unit_id, code: c.code, name: c.name });
  const periods = cells.map((c) => c.period).sort();
  const first = range.from ? month(range.from.start) : periods[0];
  const last = range.to ? month(range.to.end) : periods.at(-1);
  return {
    unit: { unit_id: unit.unit_id, code: unit.code, name: unit.full_name },
    units: [...rows.values()],
    periods: first && last ? monthsBetween(first, last) : [],
    cells: cells.map(({ code: _c, name: _n, own: _o, ...cell }) => cell),
    summary: countBy(cells, (c) => c.status),
  };
}
