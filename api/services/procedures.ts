// Essential procedures (TTHC thiết yếu) of the plans, with counts per status.
import type { Database } from '../../pipelines/db/connect.ts';
import type { UnitIndex } from '../../pipelines/normalize/units.ts';
import type { ProcedureRow } from '../schemas/plans.ts';
import type { ProceduresQuery, ProceduresResponse } from '../schemas/procedures.ts';
import { countBy, filters, requirePlan } from './common.ts';

export const PROCEDURE_COLUMNS = `plan_id, seq, number, name, online_level, lead, deadline_text,
  strftime(due_on, '%Y-%m-%d') due_on, status`;

export async function listProcedures(
  db: Database,
  _units: UnitIndex,
  params: ProceduresQuery,
): Promise<ProceduresResponse> {
  if (params.plan) await requirePlan(db, params.plan);
  const { where, params: bound } = filters([
    params.plan ? ['plan_id = $plan', { plan: params.plan }] : null,
  ]);
  const rows = await db.all<ProcedureRow>(
    `select ${PROCEDURE_COLUMNS} from procedures ${where} order by plan_id, seq`,
    bound,
  );
  return {
    procedures: rows.filter((r) => !params.status || r.status === params.status),
    summary: {
      total: rows.length,
      by_status: countBy(rows, (r) => r.status),
      by_online_level: countBy(rows, (r) => r.online_level ?? 'unknown'),
    },
  };
}
