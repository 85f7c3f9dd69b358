// The approval stage, after compare: a revision of a figure that an approval covers (its unit at
// or under the approved unit, its period within the approved one; core.approvals, migration 013)
// is refused for a reporter, with a message naming the approval, or, for an admin (and the CLI,
// run by whoever holds the server), loaded and flagged in core.approval_flags with the batch.
// New figures and unchanged ones pass: an approval locks what was approved, not the blanks.
import type { Database } from '../db/connect.ts';
import { parsePeriod, periodEnd, periodStart } from '../normalize/periods.ts';
import type { Tx } from './batch.ts';
import type { Problem } from './problems.ts';
import { capped, ERROR_LIMIT, NONE, type Capped } from './report.ts';
import { sqlString } from './sql.ts';

/** What a revision of an approved figure does: refused (reporters) or loaded and flagged. */
export type LockPolicy = 'refuse' | 'flag';

/** Whether any approval exists (the fast path leaves revisions to the general path then). */
export async function anyApproval(db: Database): Promise<boolean> {
  return Number(await db.scalar<bigint>('select count(*) from core.approvals')) > 0;
}

/** The approvals whose period holds each of `periods`: SQL rows (period, approval_id). */
async function periodPairs(db: Database, periods: string[]): Promise<string | null> {
  const pairs: string[] = [];
  for (const text of periods) {
    const p = parsePeriod(text);
    if (!p) continue;
    const ids = await db.values<{ approval_id: string }>(
      `select approval_id from core.approvals
       where period_start <= $start::date and period_end >= $end::date`,
      { start: periodStart(p), end: periodEnd(p) },
    );
    for (const { approval_id } of ids)
      pairs.push(`(${sqlString(text)}, ${sqlString(approval_id)})`);
  }
  return pairs.length > 0 ? `values ${pairs.join(', ')}` : null;
}

/**
 * The covered revisions of `revised` (the compare stage's table: one row per figure with its kind
 * and revision), as SQL; null when no approval holds any of its periods.
 */
async function lockedQuery(db: Database, revised: string): Promise<string | null> {
  if (!(await anyApproval(db))) return null; // the usual case: one count, nothing more
  const periods = await db.values<{ period: string }>(
    `select distinct period from ${revised} where kind = 'revised'`,
  );
  if (periods.length === 0) return null;
  const pairs = await periodPairs(
    db,
    periods.map((p) => p.period),
  );
  if (pairs === null) return null;
  // the approved units and every unit under them (unit ids are unique across the reform)
  return `with recursive pairs(period, approval_id) as (${pairs}),
    covered(unit_id, approval_id) as (
      select a.unit_id, a.approval_id from core.approvals a
      where a.approval_id in (select approval_id from pairs)
      union
      select u.unit_id, c.approval_id from units u join covered c on u.parent_id = c.unit_id),
    hits as (
      select r.line, r.unit_id, r.unit_code, r.period, r.metric, r.value, r.revision,
        min(a.approval_id) as approval_id
      from ${revised} r
      join pairs p on p.period = r.period
      join covered c on c.unit_id = r.unit_id and c.approval_id = p.approval_id
      join core.approvals a on a.approval_id = p.approval_id
      where r.kind = 'revised'
      group by all)
    select h.*, a.unit_code as approved_unit, a.period as approved_period, a.approved_by,
      strftime(a.approved_at, '%Y-%m-%d %H:%M') as approved_at,
      (select o.value from core.observation_revisions o
       where o.unit_id = h.unit_id and o.period = h.period and o.metric = h.metric
         and o.revision = h.revision - 1) as previous_value
    from hits h join core.approvals a using (approval_id)`;
}

interface Hit {
  line: bigint | number | null;
  unit_code: string | null;
  period: string;
  metric: string;
  value: number | null;
  previous_value: number | null;
  approved_unit: string | null;
  approved_period: string;
  approved_by: string;
  approved_at: string;
}

/** The problem of one covered revision: refused (error) or flagged (warning). */
function lockProblem(file: string, h: Hit, policy: LockPolicy): Problem {
  const who = `${h.approved_by}, ${h.approved_at}`;
  const approval = `${h.approved_unit ?? ''} ${h.approved_period}`.trim();
  const change = `${h.previous_value ?? ''} → ${h.value ?? ''}`;
  const refused = policy === 'refuse';
  return {
    file,
    row: h.line === null ? null : Number(h.line),
    column: 'value',
    value: h.value === null ? null : String(h.value),
    rule: 'approved_period',
    message: refused
      ? `${h.unit_code} ${h.period} ${h.metric} (${change}) is locked: ${approval} was approved by ${who}; ask them to reopen it`
      : `${h.unit_code} ${h.period} ${h.metric} (${change}) revises ${approval}, approved by ${who}: loaded and flagged`,
    vi: refused
      ? `${h.unit_code} kỳ ${h.period}, ${h.metric} (${change}): số liệu đã khóa vì ${approval} đã được ${h.approved_by} phê duyệt lúc ${h.approved_at}; liên hệ người phê duyệt để mở lại`
      : `${h.unit_code} kỳ ${h.period}, ${h.metric} (${change}) sửa số liệu ${approval} đã được ${h.approved_by} phê duyệt lúc ${h.approved_at}: vẫn tải và được đánh dấu`,
    severity: refused ? 'error' : 'warning',
  };
}

/**
 * The approval stage: the covered revisions of `revised` as errors (policy 'refuse') or warnings
 * ('flag'), at most ERROR_LIMIT of them kept, all counted.
 */
export async function checkApprovals(
  db: Database,
  revised: string,
  file: string,
  policy: LockPolicy,
): Promise<{ errors: Capped; warnings: Capped }> {
  const query = await lockedQuery(db, revised);
  if (query === null) return { errors: NONE, warnings: NONE };
  const count = Number(await db.scalar<bigint>(`select count(*) from (${query})`));
  if (count === 0) return { errors: NONE, warnings: NONE };
  const hits = await db.values<Hit>(`${query} order by line limit ${ERROR_LIMIT}`);
  const problems = capped(
    hits.map((h) => lockProblem(file, h, policy)),
    count,
  );
  return policy === 'refuse'
    ? { errors: problems, warnings: NONE }
    : { errors: NONE, warnings: problems };
}

/** In the batch's transaction: every covered revision of `revised`, flagged with the batch. */
export async function recordFlags(tx: Tx, revised: string): Promise<void> {
  const query = await lockedQuery(tx.db, revised);
  if (query === null) return;
  await tx.db.run(
    `insert into core.approval_flags
     select $id, approval_id, unit_id, unit_code, period, metric, previous_value, value, line,
       current_timestamp
     from (${query})`,
    { id: tx.batchId },
  );
}
