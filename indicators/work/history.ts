// Where progress is kept: the items of the plans (tasks, procedures), their status histories in
// core.task_status_history / core.procedure_status_history, recording a set of changes in one
// transaction, and following history to its items after the plans are reloaded.
import type { Database } from '../../pipelines/db/connect.ts';
import type { Status, StatusEntry, WorkKind } from './status.ts';

/** The fixed names each kind is stored under (identifiers, never taken from input). */
const STORE = {
  task: { items: 'core.tasks', history: 'core.task_status_history', label: 'title' },
  procedure: { items: 'core.procedures', history: 'core.procedure_status_history', label: 'name' },
} as const satisfies Record<WorkKind, { items: string; history: string; label: string }>;

/** A task or procedure as a plan lists it. */
export interface WorkItem {
  plan_id: string;
  seq: number;
  number: string;
  /** a task's title, a procedure's name */
  label: string;
  group_name: string | null;
  due_on: string | null;
}

/** Every item of one kind (of one plan), in plan and document order. */
export async function workItems(
  db: Database,
  kind: WorkKind,
  planId?: string,
): Promise<WorkItem[]> {
  const s = STORE[kind];
  const group = kind === 'task' ? 'group_name' : 'null::varchar';
  return db.all<WorkItem>(
    `select plan_id, seq, number, ${s.label} as label, ${group} as group_name,
       strftime(due_on, '%Y-%m-%d') due_on
     from ${s.items} where $plan::varchar is null or plan_id = $plan order by plan_id, seq`,
    { plan: planId ?? null },
  );
}

/** A change as it is stored and read back, with the item it belongs to. */
export interface HistoryRow extends StatusEntry {
  plan_id: string;
  /** null: detached, its item is no longer in the plan */
  seq: number | null;
  number: string;
  label: string;
  source: string;
}

/** The history of one kind, oldest first, optionally of one plan (and one item). */
export async function readHistory(
  db: Database,
  kind: WorkKind,
  filter: { plan_id?: string; seq?: number } = {},
): Promise<HistoryRow[]> {
  const s = STORE[kind];
  return db.all<HistoryRow>(
    `select plan_id, seq, number, ${s.label} as label, status,
       strftime(as_of, '%Y-%m-%d') as_of, note, evidence_url,
       coalesce(recorded_by, source) recorded_by,
       strftime(recorded_at, '%Y-%m-%dT%H:%M:%S.%gZ') recorded_at,
       coalesce(entry_id, 0)::integer entry_id, source
     from ${s.history}
     where as_of is not null
       and ($plan::varchar is null or plan_id = $plan)
       and ($seq::integer is null or seq = $seq)
     order by plan_id, seq nulls last, as_of, recorded_at, entry_id`,
    { plan: filter.plan_id ?? null, seq: filter.seq ?? null },
  );
}

/** A change to record, against an item already found. */
export interface NewChange {
  item: Pick<WorkItem, 'plan_id' | 'seq' | 'number' | 'label'>;
  status: Status;
  as_of: string;
  note: string | null;
  evidence_url: string | null;
}

/** Who records: the channel (api, cli, demo) and the person or token (`token:ab12… (label)`). */
export interface Recorder {
  source: 'api' | 'cli' | 'demo';
  recorded_by: string;
}

/** The meta key whose change makes the API's data version (ETags, cache) move on. */
export const PROGRESS_STAMP = 'progress_recorded_at';

/**
 * Records `changes` in one transaction (all or none), numbering them after every change already
 * kept; returns them as stored. `now` is the instant they are recorded at (UTC).
 */
export async function recordChanges(
  db: Database,
  kind: WorkKind,
  changes: readonly NewChange[],
  by: Recorder,
  now = new Date(),
): Promise<HistoryRow[]> {
  const s = STORE[kind];
  const at = now.toISOString();
  return db.transaction(async () => {
    // bind what is kept to the items as they are now, should a reload not have done it
    await followHistory(db, changes.length === 1 ? changes[0].item.plan_id : undefined);
    const last = Number(
      await db.scalar(`select coalesce(max(entry_id), 0)::bigint from ${s.history}`),
    );
    const stored: HistoryRow[] = [];
    for (const [i, c] of changes.entries()) {
      const entry: HistoryRow = {
        plan_id: c.item.plan_id,
        seq: c.item.seq,
        number: c.item.number,
        label: c.item.label,
        status: c.status,
        as_of: c.as_of,
        note: c.note,
        evidence_url: c.evidence_url,
        recorded_by: by.recorded_by,
        recorded_at: at,
        entry_id: last + i + 1,
        source: by.source,
      };
      await db.run(
        `insert into ${s.history} (entry_id, plan_id, seq, number, ${s.label}, status, as_of,
           note, evidence_url, source, recorded_by, recorded_at)
         values ($id, $plan, $seq, $number, $label, $status, $as_of::date, $note, $url, $source,
           $by, $at::timestamptz at time zone 'UTC')`,
        {
          id: entry.entry_id,
          plan: entry.plan_id,
          seq: entry.seq,
          number: entry.number,
          label: entry.label,
          status: entry.status,
          as_of: entry.as_of,
          note: entry.note,
          url: entry.evidence_url,
          source: entry.source,
          by: entry.recorded_by,
          at,
        },
      );
      stored.push(entry);
    }
    if (stored.length > 0) {
      // unique to this write (two writes may share a millisecond): the data version moves on
      await db.run('insert or replace into core.meta values ($key, $value)', {
        key: PROGRESS_STAMP,
        value: `${at} ${kind} ${stored.at(-1)!.entry_id}`,
      });
    }
    return stored;
  });
}

/** A kept change's binding: where it is now, and what it knew its item as. */
export interface Binding {
  plan_id: string;
  seq: number | null;
  number: string;
  label: string;
}

/**
 * Where a change belongs after the plans were reloaded (pure). In order: its place still holds the
 * same item (number and title); else the one item of the plan with that number and title; else
 * the one item with that title (renumbered); else its place, when the item there keeps the number
 * (reworded); else nowhere — detached, kept, and bound again if its item comes back.
 */
export function follow(binding: Binding, items: readonly WorkItem[]): Binding {
  const inPlan = items.filter((i) => i.plan_id === binding.plan_id);
  const at = binding.seq === null ? undefined : inPlan.find((i) => i.seq === binding.seq);
  const bound = (i: WorkItem): Binding => ({
    plan_id: i.plan_id,
    seq: i.seq,
    number: i.number,
    label: i.label,
  });
  if (at && at.number === binding.number && at.label === binding.label) return bound(at);
  // written without its identity (by hand, or before 008 filled it in): it stays where it is
  if (at && binding.number === '' && binding.label === '') return bound(at);
  const same = inPlan.filter((i) => i.number === binding.number && i.label === binding.label);
  if (same.length === 1) return bound(same[0]);
  const titled = inPlan.filter((i) => i.label === binding.label);
  if (titled.length === 1) return bound(titled[0]);
  if (at && at.number === binding.number) return bound(at);
  return { ...binding, seq: null };
}

export interface FollowSummary {
  /** changes whose item moved (renumbered or reworded) and that followed it */
  moved: number;
  /** changes whose item is gone from its plan */
  detached: number;
}

/**
 * Binds every kept change (of one plan, or of all) to its item after the plans' items were
 * rewritten (`chitieu init`, a plan's new version). Runs inside the caller's transaction; deletes
 * nothing.
 */
export async function followHistory(db: Database, planId?: string): Promise<FollowSummary> {
  const summary: FollowSummary = { moved: 0, detached: 0 };
  for (const kind of ['task', 'procedure'] as const) {
    const s = STORE[kind];
    const items = await workItems(db, kind, planId);
    const rows = await db.all<Binding & { row_id: string }>(
      `select rowid::varchar row_id, plan_id, seq, coalesce(number, '') as number,
         coalesce(${s.label}, '') as label
       from ${s.history} where $plan::varchar is null or plan_id = $plan`,
      { plan: planId ?? null },
    );
    for (const row of rows) {
      const next = follow(row, items);
      if (next.seq === row.seq && next.number === row.number && next.label === row.label) continue;
      if (next.seq === null) summary.detached += row.seq === null ? 0 : 1;
      else summary.moved += 1;
      await db.run(
        `update ${s.history} set seq = $seq, number = $number, ${s.label} = $label
         where rowid = $row::bigint`,
        { seq: next.seq, number: next.number, label: next.label, row: row.row_id },
      );
    }
  }
  return summary;
}
