// Essential procedures (TTHC thiết yếu) of the plans read against a date, with their recorded
// statuses, what is overdue, and counts per status and online level.
import type { Database } from '../../pipelines/db/connect.ts';
import type { UnitIndex } from '../../pipelines/normalize/units.ts';
import { readHistory } from '../../indicators/work/history.ts';
import { completionRate } from '../../indicators/work/status.ts';
import { notFound } from '../errors.ts';
import type { ProcedureRow } from '../schemas/plans.ts';
import type {
  ListedProcedure,
  ProcedureDetailResponse,
  ProceduresQuery,
  ProceduresResponse,
} from '../schemas/procedures.ts';
import { countBy, filters, requirePlan, today } from './common.ts';
import { byItem, readAt, scopeOf } from './tasks.ts';

export const PROCEDURE_COLUMNS = `plan_id, seq, number, name, online_level, lead, deadline_text,
  strftime(due_on, '%Y-%m-%d') due_on, status, strftime(status_as_of, '%Y-%m-%d') status_as_of`;

export async function listProcedures(
  db: Database,
  units: UnitIndex,
  params: ProceduresQuery,
): Promise<ProceduresResponse> {
  const asOf = params.as_of ?? today();
  if (params.plan) await requirePlan(db, params.plan);
  // the plans that count for a unit: plansInScope (tasks.ts), as the overview and the pack count
  const scope = await scopeOf(db, units, params.unit, asOf);
  const { where, params: bound } = filters([
    params.plan ? ['plan_id = $plan', { plan: params.plan }] : null,
  ]);
  const rows = (
    await db.all<ProcedureRow>(
      `select ${PROCEDURE_COLUMNS} from procedures ${where} order by plan_id, seq`,
      bound,
    )
  ).filter((r) => scope === null || scope.has(r.plan_id));
  const withHistory = params.history ?? false;
  const history =
    withHistory || asOf < today()
      ? byItem(await readHistory(db, 'procedure', { plan_id: params.plan }))
      : null;
  const all: ListedProcedure[] = readAt(rows, history, asOf, withHistory);
  return {
    as_of: asOf,
    procedures: all.filter((r) => !params.status || r.status === params.status),
    summary: {
      total: all.length,
      overdue: all.filter((r) => r.overdue).length,
      by_status: countBy(all, (r) => r.status),
      by_online_level: countBy(all, (r) => r.online_level ?? 'unknown'),
      completion_rate: completionRate({
        total: all.length,
        done: all.filter((r) => r.status === 'done').length,
        cancelled: all.filter((r) => r.status === 'cancelled').length,
      }),
    },
  };
}

/** One procedure read against `asOf` (default today) with every recorded change; 404 if none. */
export async function procedureDetail(
  db: Database,
  planId: string,
  seq: number,
  asOf = today(),
): Promise<ProcedureDetailResponse> {
  await requirePlan(db, planId);
  const rows = await db.all<ProcedureRow>(
    `select ${PROCEDURE_COLUMNS} from procedures where plan_id = $plan and seq = $seq`,
    { plan: planId, seq },
  );
  if (rows.length === 0) {
    throw notFound('UNKNOWN_PROCEDURE', `plan ${planId} has no procedure at seq ${seq}`);
  }
  const history = byItem(await readHistory(db, 'procedure', { plan_id: planId, seq }));
  const [procedure] = readAt(rows, history, asOf, true);
  return { as_of: asOf, procedure: { ...procedure, history: procedure.history ?? [] } };
}
