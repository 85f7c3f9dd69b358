// Plans as data users load (`chitieu plans import|check`, POST /api/plans, and `chitieu init` for
// the shipped plans): each file is checked on its own and against the plans the database holds,
// then stored as a version, all the files of one import in one transaction. The same bytes again
// are no new version; a changed file is the plan's next version, its targets keeping their ids
// (<plan id>/<target id>). After a change the engine re-evaluates every target and re-reads every
// reporting duty (and recomputes the figures of targets whose own metrics changed).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { listValue } from '@duckdb/node-api';
import { PROJECT_ROOT, type Database } from '../../pipelines/db/connect.ts';
import {
  refresh,
  touchedMonths,
  PLANS_REFRESH_KEY,
  type RefreshSummary,
} from '../compute/refresh.ts';
import { AgencyIndex } from '../catalogue/agencies.ts';
import type { Catalogue } from '../catalogue/load.ts';
import { deletePlanRows, linkPlanUnits, savePlan } from '../store.ts';
import {
  checkPlanIds,
  checkPlanSet,
  decodePlanFile,
  measureMetrics,
  readPlan,
  type LoadedPlan,
} from './load.ts';
import { formatProblem, viEn, type PlanProblem } from './messages.ts';
import type { Plan, Target } from './schema.ts';

/** Who brought a version: the shipped folder (init), the CLI, the API. */
export type Origin = 'shipped' | 'cli' | 'api';

/** A plan file as received: its name as given, and its bytes. */
export interface PlanFile {
  name: string;
  bytes: Uint8Array;
}

/** A problem of one file: the file, the path inside it ('' for the whole file) and the words. */
export interface FileProblem extends PlanProblem {
  file: string;
}

export const formatFileProblem = (p: FileProblem): string => `${p.file}: ${formatProblem(p)}`;

/**
 * What became of one file (for a check: what would). new: the plan's first version; updated: its
 * next version; unchanged: the same bytes as its current version (nothing written); kept: a
 * shipped file not loaded over a version someone imported (init only).
 */
export type PlanStatus = 'new' | 'updated' | 'unchanged' | 'kept';

export interface TargetChanges {
  added: string[];
  changed: string[];
  removed: string[];
}

export interface PlanOutcome {
  file: string;
  plan_id: string;
  status: PlanStatus;
  /** the version stored now (for a check: that would be), or the current one (unchanged, kept) */
  version: number | null;
  previous_version: number | null;
  sha256: string;
  /** target ids (<plan id>/<target id>) against the current version */
  targets: TargetChanges;
  counts: { targets: number; tasks: number; procedures: number; notes: number };
}

export interface ImportReport {
  /**
   * imported: at least one version written; unchanged: no file differs from its stored version;
   * rejected: problems, nothing written; valid: a check that found no problem (nothing written)
   */
  status: 'imported' | 'unchanged' | 'rejected' | 'valid';
  plans: PlanOutcome[];
  problems: FileProblem[];
  /**
   * how the engine followed an import: every target re-evaluated, every reporting duty re-read,
   * and the figures of the months where changed own metrics were reported
   */
  refresh: { months: number; targets: number; reporting: number; seconds: number } | null;
}

export interface ImportOptions {
  catalogue: Catalogue;
  origin: Origin;
  /** who imports: init, cli:<user>, token:<id> (<label>) */
  importedBy: string;
  /** validate only: nothing is written */
  checkOnly?: boolean;
  /** the day the engine computes statuses on (default today in Vietnam) */
  today?: string;
}

/** A plan the database holds: its current version, as stored. */
export interface StoredPlan {
  plan: Plan;
  version: number;
  sha256: string;
  origin: Origin;
  source_file: string;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The name stored plans go by in problems: they are no file of this import. */
export const storedName = (planId: string) => `(cơ sở dữ liệu / database) ${planId}`;

async function hasVersions(db: Database): Promise<boolean> {
  return (
    Number(
      await db.scalar(
        `select count(*) from information_schema.tables
         where table_schema = 'core' and table_name = 'plan_versions'`,
      ),
    ) > 0
  );
}

/**
 * The plans a database holds, each as its current version says; and the ids of plans loaded
 * before versions existed (none once `chitieu init` has run since migration 009).
 */
export async function storedPlans(
  db: Database,
): Promise<{ plans: Map<string, StoredPlan>; unversioned: string[] }> {
  if (!(await hasVersions(db))) {
    const ids = await db.all<{ plan_id: string }>('select plan_id from core.plans');
    return { plans: new Map(), unversioned: ids.map((r) => r.plan_id) };
  }
  const rows = await db.all<{
    plan_id: string;
    version: number | null;
    sha256: string | null;
    origin: Origin | null;
    source_file: string | null;
    definition: string | null;
  }>(
    `select p.plan_id, p.version, v.sha256, v.origin, v.source_file, v.definition
     from core.plans p
     left join core.plan_versions v on v.plan_id = p.plan_id and v.version = p.version
     order by p.plan_id`,
  );
  const plans = new Map<string, StoredPlan>();
  const unversioned: string[] = [];
  for (const r of rows) {
    if (r.version === null || r.definition === null) {
      unversioned.push(r.plan_id);
      continue;
    }
    plans.set(r.plan_id, {
      // validated when it was imported
      plan: JSON.parse(r.definition) as Plan,
      version: r.version,
      sha256: r.sha256 as string,
      origin: r.origin as Origin,
      source_file: r.source_file as string,
    });
  }
  return { plans, unversioned };
}

/** How a target's own metrics are read (its measure in core.measures); null: not by own metrics. */
function ownMeasure(t: Target): string | null {
  if (t.indicator !== null || t.measured_by === null) return null;
  const [num, den] = measureMetrics(t.measured_by);
  return `${num}/${den ?? ''}/${t.comparator.startsWith('<') ? 'down' : 'up'}`;
}

function targetChanges(before: Plan | null, after: Plan): TargetChanges {
  const old = new Map((before?.targets ?? []).map((t) => [t.id, JSON.stringify(t)]));
  const now = new Map(after.targets.map((t) => [t.id, JSON.stringify(t)]));
  const id = (t: string) => `${after.id}/${t}`;
  return {
    added: [...now.keys()].filter((t) => !old.has(t)).map(id),
    changed: [...now].filter(([t, json]) => old.has(t) && old.get(t) !== json).map(([t]) => id(t)),
    removed: [...old.keys()].filter((t) => !now.has(t)).map(id),
  };
}

/** The metrics of targets whose own measure is new, gone or read differently. */
function remeasuredMetrics(before: Plan | null, after: Plan): string[] {
  const measures = (p: Plan | null) =>
    new Map(
      (p?.targets ?? []).flatMap((t) => {
        const m = ownMeasure(t);
        return m ? [[t.id, m] as const] : [];
      }),
    );
  const old = measures(before);
  const now = measures(after);
  const out = new Set<string>();
  for (const id of new Set([...old.keys(), ...now.keys()])) {
    if (old.get(id) === now.get(id)) continue;
    for (const m of [old.get(id), now.get(id)]) {
      if (!m) continue;
      const [num, den] = m.split('/');
      out.add(num);
      if (den) out.add(den);
    }
  }
  return [...out];
}

/**
 * Checks files against the catalogue and the stored plans: each file on its own, then the set
 * (stored plans not being replaced, then these) — ids, parents, declared metrics, adoptions, and
 * that no stored plan loses a target it adopts. Returns the plans read (by file) and the problems.
 */
export function checkFiles(
  files: readonly PlanFile[],
  catalogue: Catalogue,
  stored: ReadonlyMap<string, StoredPlan>,
): { plans: Array<LoadedPlan & { sha256: string; text: string }>; problems: FileProblem[] } {
  const problems: FileProblem[] = [];
  const plans: Array<LoadedPlan & { sha256: string; text: string }> = [];
  for (const f of files) {
    const text = decodePlanFile(f.bytes);
    if (text === null) {
      problems.push({
        file: f.name,
        path: '',
        message: viEn('tệp không phải UTF-8', 'the file is not UTF-8: save it as UTF-8'),
      });
      continue;
    }
    const read = readPlan(text, catalogue);
    if (read.plan === null) problems.push(...read.problems.map((p) => ({ file: f.name, ...p })));
    else plans.push({ ...read.plan, file: f.name, sha256: sha256(f.bytes), text });
  }
  if (problems.length > 0) return { plans, problems };
  const incoming = new Set(plans.map((p) => p.id));
  const others: LoadedPlan[] = [...stored.values()]
    .filter((s) => !incoming.has(s.plan.id))
    .map((s) => ({ ...s.plan, file: storedName(s.plan.id) }));
  // stored plans first: where a new file clashes with one, the problem is the new file's
  const set = [...others, ...plans];
  for (const { file, problems: found } of [...checkPlanIds(set), ...checkPlanSet(set, catalogue)]) {
    // a stored plan's own problems are not this import's, but the targets it adopts are checked
    // below against the new versions
    if (!file.startsWith(storedName(''))) problems.push(...found.map((p) => ({ file, ...p })));
  }
  const byId = new Map(plans.map((p) => [p.id, p]));
  const measure = (t: Target) =>
    t.indicator ?? (t.measured_by ? measureMetrics(t.measured_by).join('/') : null);
  for (const other of others) {
    for (const t of other.targets) {
      if (t.adopts === null) continue;
      const [planId, targetId] = t.adopts.split('/');
      const plan = byId.get(planId);
      if (!plan) continue;
      const adopted = plan.targets.find((x) => x.id === targetId);
      if (!adopted) {
        problems.push({
          file: plan.file,
          path: 'targets',
          message: viEn(
            `kế hoạch ${other.id} tiếp nhận chỉ tiêu ${t.adopts}: không được bỏ chỉ tiêu này`,
            `plan ${other.id} adopts target ${t.adopts}: it must stay`,
          ),
        });
      } else if (measure(adopted) !== measure(t)) {
        problems.push({
          file: plan.file,
          path: `targets.${plan.targets.indexOf(adopted)}`,
          message: viEn(
            `kế hoạch ${other.id} tiếp nhận chỉ tiêu này, đo bằng ${measure(t)}; không được đổi cách đo`,
            `plan ${other.id} adopts this target, measured by ${measure(t)}; its measure must stay`,
          ),
        });
      }
    }
  }
  return { plans, problems };
}

/**
 * Checks and stores plan files as one import. Nothing is written when any file has a problem
 * (status rejected), or for a check (valid); otherwise every changed plan is written in one
 * transaction, and the engine then re-evaluates the targets and reporting duties.
 */
export async function importPlans(
  db: Database,
  files: readonly PlanFile[],
  options: ImportOptions,
): Promise<ImportReport> {
  const { plans: stored, unversioned } = await storedPlans(db);
  if (options.checkOnly) return checkPlans(files, options.catalogue, stored);
  let { plans, problems } = checkFiles(files, options.catalogue, stored);
  if (problems.length > 0) return { status: 'rejected', plans: [], problems, refresh: null };
  // init never loads a shipped file over a version someone imported: that version stays, and the
  // other shipped files are checked against it
  const kept =
    options.origin === 'shipped'
      ? plans.filter((p) => {
          const current = stored.get(p.id);
          return current && current.origin !== 'shipped' && current.sha256 !== p.sha256;
        })
      : [];
  if (kept.length > 0) {
    const keptFiles = new Set(kept.map((p) => p.file));
    ({ plans, problems } = checkFiles(
      files.filter((f) => !keptFiles.has(f.name)),
      options.catalogue,
      stored,
    ));
    if (problems.length > 0) return { status: 'rejected', plans: [], problems, refresh: null };
  }
  if (options.origin !== 'shipped') {
    const missing = unversioned.filter((id) => !plans.some((p) => p.id === id));
    if (missing.length > 0) {
      throw new Error(
        `the database holds plans loaded before plan versions (${missing.join(', ')}): ` +
          'run `chitieu init` first',
      );
    }
  }

  const outcomes = [
    ...plans.map((p) => outcomeOf(p, stored.get(p.id) ?? null)),
    ...kept.map((p) => outcomeOf(p, stored.get(p.id) ?? null, 'kept')),
  ];

  const written = plans
    .map((plan, i) => ({ plan, outcome: outcomes[i] }))
    .filter(({ outcome }) => outcome.status === 'new' || outcome.status === 'updated');
  // init: plans loaded before versions that no shipped file holds any more go, as a reload of
  // the folder always removed them
  const dropped =
    options.origin === 'shipped'
      ? unversioned.filter((id) => !plans.some((p) => p.id === id) && !stored.has(id))
      : [];
  if (written.length === 0 && dropped.length === 0) {
    return { status: 'unchanged', plans: outcomes, problems: [], refresh: null };
  }

  const agencies = new AgencyIndex(options.catalogue.agencies);
  const remeasured = new Set<string>();
  await db.transaction(async () => {
    for (const id of dropped) await deletePlanRows(db, id);
    for (const { plan, outcome } of written) {
      const { file, sha256: sha, text, ...definition } = plan;
      await db.run(
        `insert into core.plan_versions (plan_id, version, sha256, imported_at, imported_by,
           origin, source_file, yaml_text, definition)
         values ($plan, $version, $sha, current_timestamp, $by, $origin, $file, $yaml, $definition)`,
        {
          plan: plan.id,
          version: outcome.version,
          sha,
          by: options.importedBy,
          origin: options.origin,
          file,
          yaml: text,
          definition: JSON.stringify(definition),
        },
      );
      await deletePlanRows(db, plan.id);
      await savePlan(db, definition, {
        file,
        version: outcome.version,
        agencies,
        catalogue: options.catalogue,
      });
      for (const m of remeasuredMetrics(stored.get(plan.id)?.plan ?? null, definition)) {
        remeasured.add(m);
      }
    }
    const ids = written.map(({ plan }) => plan.id);
    await linkPlanUnits(db, ids);
    await db.run(
      `insert or replace into core.meta values
         ('plans_imported_at', strftime(now(), '%Y-%m-%dT%H:%M:%S.%f')), ($key, $plans)`,
      { key: PLANS_REFRESH_KEY, plans: ids.join(', ') || dropped.join(', ') },
    );
  });

  // The engine follows: every target's status and every reporting duty again (computeTargets
  // evaluates all targets at once; a target's id never changes, so its rows are replaced), and
  // the figures of the months where the metrics of a changed own measure were reported. Should
  // it fail, core.meta keeps PLANS_REFRESH_KEY until a refresh succeeds.
  const summary: RefreshSummary = await refresh(db, {
    months: await monthsOf(db, [...remeasured]),
    reporting: 'all',
    ...(options.today ? { today: options.today } : {}),
  });
  return {
    status: 'imported',
    plans: outcomes,
    problems: [],
    refresh: {
      months: summary.months,
      targets: summary.targetRows,
      reporting: summary.reporting,
      seconds: summary.seconds,
    },
  };
}

/** The months (YYYY-MM) in which any of these metrics has a figure. */
async function monthsOf(db: Database, metrics: string[]): Promise<string[]> {
  if (metrics.length === 0) return [];
  const rows = await db.all<{ period: string }>(
    'select distinct period from core.observation_revisions where list_contains($m, metric)',
    { m: listValue(metrics) },
  );
  return [...new Set(rows.flatMap((r) => touchedMonths(r.period)))].sort();
}

/**
 * The plans shipped in indicators/plans/, loaded by `chitieu init` through importPlans: a file
 * whose bytes are stored already is skipped, a changed one becomes the plan's next version — but
 * never over a version someone imported with `plans import` or POST /api/plans (kept).
 */
export async function importShippedPlans(
  db: Database,
  catalogue: Catalogue,
  paths: readonly string[],
): Promise<ImportReport> {
  const files = paths.map((path) => ({
    name: relative(PROJECT_ROOT, path),
    bytes: readFileSync(path),
  }));
  return importPlans(db, files, { catalogue, origin: 'shipped', importedBy: 'init' });
}

/**
 * The shipped plans as a check's context when no database can be read (none yet, or a server
 * holds it): each file of indicators/plans/ as if it were stored, version 1.
 */
export function shippedContext(
  catalogue: Catalogue,
  paths: readonly string[],
): Map<string, StoredPlan> {
  const out = new Map<string, StoredPlan>();
  for (const path of paths) {
    const bytes = readFileSync(path);
    const text = decodePlanFile(bytes);
    const read = text === null ? null : readPlan(text, catalogue);
    if (!read?.plan) continue;
    out.set(read.plan.id, {
      plan: read.plan,
      version: 1,
      sha256: sha256(bytes),
      origin: 'shipped',
      source_file: relative(PROJECT_ROOT, path),
    });
  }
  return out;
}

/** What becomes of a plan read from a file, given the version stored (what would, for a check). */
function outcomeOf(
  p: Plan & { file: string; sha256: string },
  current: StoredPlan | null,
  kept?: 'kept',
): PlanOutcome {
  const status: PlanStatus =
    kept ?? (!current ? 'new' : current.sha256 === p.sha256 ? 'unchanged' : 'updated');
  const writes = status === 'new' || status === 'updated';
  return {
    file: p.file,
    plan_id: p.id,
    status,
    version: writes ? (current?.version ?? 0) + 1 : (current?.version ?? null),
    previous_version: current?.version ?? null,
    sha256: p.sha256,
    targets: writes
      ? targetChanges(current?.plan ?? null, p)
      : { added: [], changed: [], removed: [] },
    counts: {
      targets: p.targets.length,
      tasks: p.tasks.length,
      procedures: p.procedures.length,
      notes: p.notes.length,
    },
  };
}

/**
 * Checks files against stored plans (a database's, or shippedContext's) and writes nothing: valid
 * with what each file would become, or rejected with every problem.
 */
export function checkPlans(
  files: readonly PlanFile[],
  catalogue: Catalogue,
  stored: ReadonlyMap<string, StoredPlan>,
): ImportReport {
  const { plans, problems } = checkFiles(files, catalogue, stored);
  if (problems.length > 0) return { status: 'rejected', plans: [], problems, refresh: null };
  return {
    status: 'valid',
    plans: plans.map((p) => outcomeOf(p, stored.get(p.id) ?? null)),
    problems: [],
    refresh: null,
  };
}
