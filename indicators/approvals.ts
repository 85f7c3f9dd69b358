// Approvals: a period approved for a unit subtree (core.approvals, migration 013), who may give
// one, and the revisions loaded after it (flagged by the ingest's approval stage, approval.ts).
// The API (POST /api/approvals), the CLI (`chitieu approve`) and the pack call these.
import { randomUUID } from 'node:crypto';
import { listValue } from '@duckdb/node-api';
import type { Database } from '../pipelines/db/connect.ts';
import {
  formatPeriod,
  periodEnd,
  periodStart,
  type Period,
} from '../pipelines/normalize/periods.ts';
import type { Unit, UnitIndex } from '../pipelines/normalize/units.ts';

export interface Approval {
  approval_id: string;
  unit_id: string;
  unit_code: string | null;
  period: string;
  approved_by: string;
  approved_at: string;
  note: string | null;
}

/** Who asks: a role, and for a planner the unit its scope names (resolved). */
export interface Approver {
  role: string;
  /** the planner's unit; null for an admin */
  unit: Unit | null;
  /** recorded as approved_by: a login, or `token:<id>` */
  name: string;
}

/**
 * Why `who` may not approve `unit`, or null when it may: an admin anywhere; a planner whose unit
 * is a province, for that province and the units under it (DHIS2's approval, one level).
 */
export function approvalRefusal(index: UnitIndex, who: Approver, unit: Unit): Bilingual | null {
  if (who.role === 'admin') return null;
  if (who.role !== 'planner' || who.unit === null) {
    return {
      en: `role ${who.role} may not approve periods (an admin or a province's planner may)`,
      vi: `vai trò ${who.role} không được phê duyệt kỳ báo cáo (chỉ quản trị viên hoặc cán bộ kế hoạch cấp tỉnh)`,
    };
  }
  if (who.unit.level !== 'province') {
    return {
      en: `only a province's planner may approve; ${who.unit.code} is a ${who.unit.level}`,
      vi: `chỉ cán bộ kế hoạch cấp tỉnh được phê duyệt; ${who.unit.name} không phải cấp tỉnh`,
    };
  }
  if (!index.isUnder(unit.unit_id, who.unit.unit_id)) {
    return {
      en: `${unit.code} (${unit.name}) is outside ${who.unit.name}, the planner's province`,
      vi: `${unit.name} (${unit.code}) nằm ngoài ${who.unit.name}, tỉnh của cán bộ kế hoạch`,
    };
  }
  return null;
}

export interface Bilingual {
  en: string;
  vi: string;
}

const SELECT = `select approval_id, unit_id, unit_code, period, approved_by,
    strftime(approved_at, '%Y-%m-%d %H:%M:%S') as approved_at, note
  from core.approvals`;

/**
 * Approves `period` for `unit` and everything under it. Approving again what is approved changes
 * nothing and answers the first approval (`created: false`).
 */
export async function approve(
  db: Database,
  unit: Unit,
  period: Period,
  by: string,
  note: string | null = null,
): Promise<{ approval: Approval; created: boolean }> {
  const text = formatPeriod(period);
  const [existing] = await db.all<Approval>(
    `${SELECT} where unit_id = $unit and period = $period`,
    {
      unit: unit.unit_id,
      period: text,
    },
  );
  if (existing) return { approval: existing, created: false };
  const id = `a-${randomUUID()}`;
  await db.run(
    `insert into core.approvals values ($id, $unit, $code, $period, $start::date, $end::date, $by,
       current_timestamp, $note)`,
    {
      id,
      unit: unit.unit_id,
      code: unit.code,
      period: text,
      start: periodStart(period),
      end: periodEnd(period),
      by,
      note,
    },
  );
  const [approval] = await db.all<Approval>(`${SELECT} where approval_id = $id`, { id });
  return { approval, created: true };
}

/**
 * The approval that covers `unit` for `period`: one given for the unit or a unit above it, the
 * first given; null when the period is not approved there.
 */
export async function approvalCovering(
  db: Database,
  index: UnitIndex,
  unit: Unit,
  period: Period,
): Promise<Approval | null> {
  const ids = [unit.unit_id];
  for (let p = unit.parent_id ? index.get(unit.parent_id) : undefined; p;) {
    ids.push(p.unit_id);
    p = p.parent_id ? index.get(p.parent_id) : undefined;
  }
  const [found] = await db.all<Approval>(
    `${SELECT} where period = $period and list_contains($ids, unit_id)
     order by approved_at, approval_id limit 1`,
    { period: formatPeriod(period), ids: listValue(ids) },
  );
  return found ?? null;
}

/** Every approval, newest first. */
export function listApprovals(db: Database): Promise<Approval[]> {
  return db.all<Approval>(`${SELECT} order by approved_at desc, approval_id`);
}

/** A revision of an approved figure that an admin loaded (and the approval it revised). */
export interface ApprovedRevision {
  batch_id: string;
  loaded_by: string | null;
  flagged_at: string;
  unit_id: string;
  unit_code: string | null;
  period: string;
  metric: string;
  previous_value: number | null;
  value: number | null;
  approval_id: string;
  approved_unit: string | null;
  approved_period: string;
  approved_by: string;
  approved_at: string;
}

/**
 * The flagged revisions of figures of `unitId`'s subtree whose period lies in `quarter` (e.g.
 * "2025-Q3": its months and the quarter itself), oldest first: the pack's differences table.
 */
export async function approvedRevisions(
  db: Database,
  unitId: string,
  quarter: Period,
): Promise<ApprovedRevision[]> {
  return db.all<ApprovedRevision>(
    `with recursive sub(unit_id) as (
       select $unit union select u.unit_id from units u join sub s on u.parent_id = s.unit_id)
     select f.batch_id, b.loaded_by, strftime(f.flagged_at, '%Y-%m-%d %H:%M:%S') as flagged_at,
       f.unit_id, f.unit_code, f.period, f.metric, f.previous_value, f.value, f.approval_id,
       a.unit_code as approved_unit, a.period as approved_period, a.approved_by,
       strftime(a.approved_at, '%Y-%m-%d %H:%M:%S') as approved_at
     from core.approval_flags f
     join core.approvals a using (approval_id)
     left join core.batches b using (batch_id)
     where f.unit_id in (select unit_id from sub)
       -- the quarter itself, its months and its days (canonical texts compare as dates do)
       and (f.period = $quarter or (length(f.period) in (7, 10) and f.period between $first and $last))
     order by f.flagged_at, f.unit_code, f.period, f.metric`,
    {
      unit: unitId,
      quarter: formatPeriod(quarter),
      first: periodStart(quarter).slice(0, 7),
      last: periodEnd(quarter),
    },
  );
}
