// The quarterly pack's data (Báo cáo quý): one unit, one quarter — headline counts, what changed
// since the previous quarter, the scorecard, overdue tasks, late reporters and data caveats — and
// its saving "as reviewed", so a later reading can show the reviewed figures and what moved since.
import { randomUUID } from 'node:crypto';
import type { Database } from '../pipelines/db/connect.ts';
import { badRequest } from '../api/errors.ts';
import type { Unit, UnitIndex } from '../pipelines/normalize/units.ts';
import {
  formatPeriod,
  periodEnd,
  periodStart,
  periodsIn,
  previousPeriod,
} from '../pipelines/normalize/periods.ts';
import type { FigurePeriod } from '../pipelines/normalize/lookup.ts';
import { unitScorecard } from '../api/services/scorecard.ts';
import { listTasks, plansInScope } from '../api/services/tasks.ts';
import { recentPoints } from '../api/services/series.ts';
import { reportingGrid } from '../api/services/reporting.ts';
import { qualityFindings } from '../api/services/quality.ts';
import type { ScorecardResponse } from '../api/schemas/scorecard.ts';
import type { TasksResponse } from '../api/schemas/tasks.ts';
import { statusCounts } from './pages/common.ts';

type ScorecardRow = ScorecardResponse['rows'][number];

/** A target as the pack keeps it: the scorecard's verdict without the inputs behind it. */
export interface PackTarget extends Pick<
  ScorecardRow['targets'][number],
  'target_id' | 'value' | 'comparator' | 'deadline' | 'status' | 'ratio' | 'plan_id' | 'clause'
> {
  /** the same target's status in the previous quarter, when it was evaluated then */
  previous_status: string | null;
}

/** An indicator as the pack keeps it: the scorecard's row without its source. */
export interface PackRow extends Pick<
  ScorecardRow,
  | 'indicator_id'
  | 'name_vi'
  | 'name_en'
  | 'unit'
  | 'actual'
  | 'previous'
  | 'numerator'
  | 'denominator'
  | 'coverage'
  | 'reconstructed'
> {
  targets: PackTarget[];
}

export interface PackData {
  unit: ScorecardResponse['unit'];
  quarter: string;
  previous_quarter: string | null;
  /** the quarter's last day: tasks are read as overdue against it */
  as_of: string;
  data_as_of: string | null;
  synthetic: boolean;
  counts: Record<string, number>;
  rows: PackRow[];
  changes: { indicator_id: string; target_id: string; from: string | null; to: string }[];
  overdue_tasks: TasksResponse['tasks'];
  /** the plans whose tasks the pack covers: issued by the unit, one it replaced, or one below it */
  plans: string[];
  late_reporters: { unit_id: string; name: string; late: number; missing: number }[];
  reporting_summary: Record<string, number>;
  /** the key indicators' last eight quarters, for the pack's small charts (absent in old reviews) */
  trends?: { indicator_id: string; points: { period: string; actual: number | null }[] }[];
  /** targets of the plans in scope, open in the quarter, that bind the levels below, not this unit */
  lower_level_targets?: number;
  caveats: {
    partial_coverage: { indicator_id: string; coverage: number }[];
    reconstructed: string[];
    no_data: string[];
    quality_findings: number;
    quality_by_rule: { rule: string; count: number }[];
  };
}

/** The pack of a unit for a quarter (a month or a year is refused: 400 INVALID_PERIOD). */
export async function packData(
  db: Database,
  units: UnitIndex,
  unit: Unit,
  quarter: FigurePeriod,
): Promise<PackData> {
  if (quarter.grain !== 'quarter') {
    throw badRequest(
      'INVALID_PERIOD',
      `the pack is for a quarter (2025-Q4 or Quý IV/2025), not ${formatPeriod(quarter)}`,
    );
  }
  const card = await unitScorecard(db, { unit, period: quarter });
  const asOf = periodEnd(quarter);
  const previous = previousPeriod(quarter);
  const before = previous ? await unitScorecard(db, { unit, period: previous }) : null;
  const previousStatus = new Map<string, string>();
  for (const row of before?.rows ?? [])
    for (const t of row.targets) previousStatus.set(t.target_id, t.status);

  const rows: PackRow[] = card.rows.map((r) => ({
    indicator_id: r.indicator_id,
    name_vi: r.name_vi,
    name_en: r.name_en,
    unit: r.unit,
    actual: r.actual,
    previous: r.previous,
    numerator: r.numerator,
    denominator: r.denominator,
    coverage: r.coverage,
    reconstructed: r.reconstructed,
    targets: r.targets.map((t) => ({
      target_id: t.target_id,
      value: t.value,
      comparator: t.comparator,
      deadline: t.deadline,
      status: t.status,
      ratio: t.ratio,
      plan_id: t.plan_id,
      clause: t.clause,
      previous_status: previousStatus.get(t.target_id) ?? null,
    })),
  }));
  const counts = statusCounts(rows.flatMap((r) => r.targets));
  const changes = rows.flatMap((r) =>
    r.targets
      .filter((t) => t.previous_status !== t.status)
      .map((t) => ({
        indicator_id: r.indicator_id,
        target_id: t.target_id,
        from: t.previous_status,
        to: t.status,
      })),
  );

  // the tasks of the plans this unit (or a unit it continues, or one below it) issued: the one
  // scope the overview and GET /api/tasks?unit= count with (api/services/tasks.ts)
  const scope = await plansInScope(db, units, unit);
  const tasks = await listTasks(db, units, { as_of: asOf, overdue: true });
  const overdueTasks = tasks.tasks.filter((t) => t.overdue && scope.has(t.plan_id));
  const months = periodsIn(quarter, 'month');
  const reporting = await reportingGrid(db, { unit, from: months[0], to: months.at(-1) });
  const late = new Map<string, { unit_id: string; name: string; late: number; missing: number }>();
  const names = new Map(reporting.units.map((u) => [u.unit_id, u.name]));
  for (const c of reporting.cells) {
    if (c.status !== 'late' && c.status !== 'missing') continue;
    const entry = late.get(c.unit_id) ?? {
      unit_id: c.unit_id,
      name: names.get(c.unit_id) ?? c.unit_id,
      late: 0,
      missing: 0,
    };
    entry[c.status]++;
    late.set(c.unit_id, entry);
  }
  const quality = await qualityFindings(db, { unit, period: quarter, limit: 1 });
  const recent = await recentPoints(db, card.unit.unit_id, 'quarter', card.period, 8);
  const trends = keyIndicators(rows).map((id) => ({
    indicator_id: id,
    points: (recent.get(id) ?? []).map((p) => ({ period: p.period, actual: p.actual })),
  }));
  const evaluated = new Set(rows.flatMap((r) => r.targets.map((t) => t.target_id)));
  const open = await db.all<{ target_id: string; plan_id: string }>(
    `select target_id, plan_id from core.targets
     where indicator_id is not null and deadline >= $start::date
       and coalesce(window_start, date '1900-01-01') <= $end::date`,
    { start: periodStart(quarter), end: asOf },
  );
  const lower = open.filter((t) => scope.has(t.plan_id) && !evaluated.has(t.target_id)).length;

  return {
    unit: card.unit,
    quarter: card.period,
    previous_quarter: card.previous_period,
    as_of: asOf,
    data_as_of: card.data_as_of,
    synthetic: card.synthetic,
    counts,
    rows,
    changes,
    plans: [...scope].sort(),
    overdue_tasks: overdueTasks,
    late_reporters: [...late.values()].sort(
      (a, b) => b.missing + b.late - (a.missing + a.late) || a.name.localeCompare(b.name, 'vi'),
    ),
    reporting_summary: reporting.summary,
    trends,
    lower_level_targets: lower,
    caveats: {
      partial_coverage: rows
        .filter((r) => r.coverage !== null && r.coverage < 1)
        .map((r) => ({ indicator_id: r.indicator_id, coverage: r.coverage as number })),
      reconstructed: rows.filter((r) => r.reconstructed).map((r) => r.indicator_id),
      no_data: rows.filter((r) => r.actual === null).map((r) => r.indicator_id),
      quality_findings: quality.total,
      quality_by_rule: quality.by_rule.map((r) => ({ rule: r.rule, count: r.count })),
    },
  };
}

/** The key indicators of these rows: the unit page's three, then each with a binding target; six at most. */
export const KEY_INDICATORS = ['cccd_coverage', 'vneid_activation_rate', 'dossier_online_rate'];

function keyIndicators(rows: PackRow[]): string[] {
  const has = new Set(rows.filter((r) => r.actual !== null).map((r) => r.indicator_id));
  const bound = rows.filter((r) => r.targets.length > 0 && has.has(r.indicator_id));
  const ids = [...KEY_INDICATORS.filter((id) => has.has(id)), ...bound.map((r) => r.indicator_id)];
  return [...new Set(ids)].slice(0, 6);
}

export interface PackReview {
  review_id: string;
  unit_id: string;
  quarter: string;
  reviewed_at: string;
  reviewed_by: string;
  data_version: string;
  data_as_of: string | null;
  snapshot: PackData;
}

/** Saves the pack as it is now; the caller holds the write queue. */
export async function saveReview(
  db: Database,
  data: PackData,
  reviewedBy: string,
  dataVersion: string,
): Promise<PackReview> {
  const review_id = randomUUID();
  await db.transaction(async () => {
    await db.run(
      `insert into core.pack_reviews values ($id, $unit, $quarter, current_timestamp, $by, $version, $asof, $snapshot)`,
      {
        id: review_id,
        unit: data.unit.unit_id,
        quarter: data.quarter,
        by: reviewedBy,
        version: dataVersion,
        asof: data.data_as_of,
        snapshot: JSON.stringify(data),
      },
    );
    // the dashboards' cached pages and ETags follow this
    await db.run(
      "insert or replace into core.meta values ('packs_reviewed_at', strftime(now(), '%Y-%m-%dT%H:%M:%S.%f'))",
    );
  });
  const review = await latestReview(db, data.unit.unit_id, data.quarter);
  if (!review) throw new Error('the review just saved is missing');
  return review;
}

export async function latestReview(
  db: Database,
  unitId: string,
  quarter: string,
): Promise<PackReview | null> {
  const rows = await db.all<Omit<PackReview, 'snapshot'> & { snapshot: string }>(
    `select review_id, unit_id, quarter, strftime(reviewed_at, '%Y-%m-%dT%H:%M:%S') reviewed_at, reviewed_by,
            data_version, data_as_of, snapshot
     from core.pack_reviews where unit_id = $u and quarter = $q
     order by reviewed_at desc limit 1`,
    { u: unitId, q: quarter },
  );
  const row = rows[0];
  return row ? { ...row, snapshot: JSON.parse(row.snapshot) as PackData } : null;
}

export interface PackDifference {
  indicator_id: string;
  target_id: string | null;
  field: 'actual' | 'status' | 'coverage';
  reviewed: number | string | null;
  now: number | string | null;
}

/** What differs between a reviewed pack and the same pack computed from today's data. */
export function packDifferences(reviewed: PackData, now: PackData): PackDifference[] {
  const out: PackDifference[] = [];
  const current = new Map(now.rows.map((r) => [r.indicator_id, r]));
  for (const r of reviewed.rows) {
    const n = current.get(r.indicator_id);
    if (!n) continue;
    if (r.actual !== n.actual)
      out.push({
        indicator_id: r.indicator_id,
        target_id: null,
        field: 'actual',
        reviewed: r.actual,
        now: n.actual,
      });
    if (r.coverage !== n.coverage)
      out.push({
        indicator_id: r.indicator_id,
        target_id: null,
        field: 'coverage',
        reviewed: r.coverage,
        now: n.coverage,
      });
    const targets = new Map(n.targets.map((t) => [t.target_id, t]));
    for (const t of r.targets) {
      const nt = targets.get(t.target_id);
      if (nt && nt.status !== t.status)
        out.push({
          indicator_id: r.indicator_id,
          target_id: t.target_id,
          field: 'status',
          reviewed: t.status,
          now: nt.status,
        });
    }
  }
  return out;
}
