// Writes declarations into the database: the catalogue (metrics, indicators, agencies) as one
// fingerprinted whole, and a plan's rows (what plans/import.ts stores for each version: the plan,
// its notes, targets, tasks with the agencies they name, procedures and reporting duty, and the
// metrics it declares). Each plan is linked to the unit its code named when it was issued.
import { createHash } from 'node:crypto';
import { listValue, VARCHAR, LIST, type DuckDBValue } from '@duckdb/node-api';
import type { Database } from '../pipelines/db/connect.ts';
import { parseDeadline } from '../pipelines/normalize/deadlines.ts';
import { monthOfDate } from '../pipelines/normalize/calendar.ts';
import type { Catalogue } from './catalogue/load.ts';
import type { Metric } from './catalogue/schema.ts';
import { declaredMetrics, measureKind, measureMetrics, type PlanContext } from './plans/load.ts';
import type { Plan } from './plans/schema.ts';
import { AgencyIndex, levelOfCode } from './catalogue/agencies.ts';
import { followHistory } from './work/history.ts';

export interface CatalogueSummary {
  changed: boolean;
  metrics: number;
  indicators: number;
  agencies: number;
}

export function catalogueFingerprint(catalogue: Catalogue): string {
  return createHash('sha256').update(JSON.stringify(catalogue)).digest('hex');
}

/** The date at which a plan's unit code is read: the issue date, else the year it names. */
export function planDate(plan: Pick<Plan, 'issued_on' | 'issued_on_text'>): string | null {
  if (plan.issued_on) return plan.issued_on;
  const year = plan.issued_on_text?.match(/(19|20)\d{2}/)?.[0];
  return year ? `${year}-01-01` : null;
}

/**
 * The months (YYYY-MM) a plan's reporting duty runs over: from the month it was issued (or
 * January of the year it names) to its last target's deadline, or to the end of the year it was
 * issued when it sets no target; null when the plan gives no date at all.
 */
export function reportingWindow(plan: Plan): { first: string; last: string } | null {
  const date = planDate(plan);
  if (date === null) return null;
  const deadlines = plan.targets.map((t) => t.deadline).sort();
  const last = deadlines.length > 0 ? monthOfDate(deadlines.at(-1)!) : `${date.slice(0, 4)}-12`;
  const first = monthOfDate(date);
  return { first, last: last < first ? first : last };
}

/**
 * Writes the catalogue when it differs from the one stored (its fingerprint is in core.meta):
 * catalogue metrics are written over (metrics that plans declare stay), indicators and agencies
 * replaced, and the agencies that task leads and partners resolve to looked up again.
 */
export async function saveCatalogue(db: Database, catalogue: Catalogue): Promise<CatalogueSummary> {
  const summary: CatalogueSummary = {
    changed: false,
    metrics: catalogue.metrics.length,
    indicators: catalogue.indicators.length,
    agencies: catalogue.agencies.length,
  };
  const print = catalogueFingerprint(catalogue);
  const stored = await db.scalar<string | undefined>(
    "select value from core.meta where key = 'catalogue_sha256'",
  );
  if (stored === print) return summary;
  await db.transaction(async () => {
    await db.run('delete from core.indicators; delete from core.agencies;');
    for (const m of catalogue.metrics) await saveMetric(db, m);
    for (const a of catalogue.agencies) {
      await db.run(
        `insert into core.agencies (agency_id, name_vi, name_en, level, kind, aliases)
         values ($id, $vi, $en, $level, $kind, $aliases)`,
        {
          id: a.id,
          vi: a.name_vi,
          en: a.name_en,
          level: a.level,
          kind: a.kind,
          aliases: listValue(a.aliases),
        },
        { aliases: LIST(VARCHAR) },
      );
    }
    for (const i of catalogue.indicators) {
      await db.run(
        `insert into core.indicators (indicator_id, name_vi, name_en, unit, direction, numerator,
           denominator) values ($id, $vi, $en, $unit, $dir, $num, $den)`,
        {
          id: i.id,
          vi: i.name_vi,
          en: i.name_en,
          unit: i.unit,
          dir: i.direction,
          num: i.numerator,
          den: i.denominator,
        },
      );
    }
    // the names tasks print, resolved against the agencies as they now are
    const agencies = new AgencyIndex(catalogue.agencies);
    const names = await db.all<{ plan_id: string; name: string; unit_code: string }>(
      `select distinct a.plan_id, a.name, p.unit_code
       from core.task_agencies a join core.plans p using (plan_id)`,
    );
    for (const n of names) {
      await db.run(
        'update core.task_agencies set agency_id = $agency where plan_id = $plan and name = $name',
        {
          agency: agencies.resolve(n.name, levelOfCode(n.unit_code))?.id ?? null,
          plan: n.plan_id,
          name: n.name,
        },
      );
    }
    await db.run(
      `insert or replace into core.meta values ('catalogue_sha256', $v),
         ('catalogue_loaded_at', strftime(now(), '%Y-%m-%dT%H:%M:%S%z'))`,
      { v: print },
    );
  });
  return { ...summary, changed: true };
}

async function saveMetric(db: Database, m: Metric): Promise<void> {
  await db.run(
    `insert or replace into core.metrics (metric_id, name_vi, name_en, unit, kind)
     values ($id, $vi, $en, $unit, $kind)`,
    { id: m.id, vi: m.name_vi, en: m.name_en, unit: m.unit, kind: m.kind },
  );
}

/**
 * The tables that hold a plan's current version, all keyed by plan_id and written only from the
 * plan file. Task and procedure status history (indicators/work/history.ts follows it to the
 * items of the new version), the engine's results and the audit are not among them: a new
 * version never deletes what people recorded against the plan.
 */
export const PLAN_TABLES = [
  'core.plans',
  'core.plan_notes',
  'core.targets',
  'core.tasks',
  'core.task_agencies',
  'core.procedures',
  'core.reporting_obligations',
  'core.metric_declarations',
] as const;

/** Removes a plan's current rows (PLAN_TABLES), inside the caller's transaction. */
export async function deletePlanRows(db: Database, planId: string): Promise<void> {
  for (const table of PLAN_TABLES) {
    await db.run(`delete from ${table} where plan_id = $p`, { p: planId });
  }
}

export interface SavePlanOptions {
  /** the file name recorded as the plan's definition_file */
  file: string;
  version: number | null;
  agencies: AgencyIndex;
  /** the catalogue: metrics a plan declares that the catalogue has are not written again */
  catalogue: PlanContext;
}

/** Writes one plan's rows (PLAN_TABLES) and the metrics it declares, in the caller's transaction. */
export async function savePlan(db: Database, plan: Plan, options: SavePlanOptions): Promise<void> {
  const { agencies } = options;
  for (const m of declaredMetrics([plan], options.catalogue)) {
    await saveMetric(db, m);
    await db.run('insert into core.metric_declarations (metric_id, plan_id) values ($m, $p)', {
      m: m.id,
      p: plan.id,
    });
  }
  await db.run(
    `insert into core.plans (plan_id, unit_code, unit_id, unit_name, document_no, title, issuer,
       issued_on, issued_on_text, parent_plan_id, stub, report_due_day, report_due_clause, source,
       definition_file, source_kind, source_urls, version)
     values ($id, $code, null, $uname, $no, $title, $issuer, $issued::date, $issued_text, $parent,
       $stub, $due, $due_clause, $source, $file, $source_kind, $source_urls, $version)`,
    {
      id: plan.id,
      code: plan.unit_code,
      uname: plan.unit_name,
      no: plan.document_no,
      title: plan.title,
      issuer: plan.issuer,
      issued: plan.issued_on,
      issued_text: plan.issued_on_text,
      parent: plan.parent_plan,
      stub: plan.stub,
      due: plan.report_due_day,
      due_clause: plan.report_due_clause,
      source: plan.source,
      file: options.file,
      source_kind: plan.source_kind,
      source_urls: listValue(plan.source_urls),
      version: options.version,
    },
    { source_urls: LIST(VARCHAR) },
  );
  for (const [seq, note] of plan.notes.entries()) {
    await db.run(
      `insert into core.plan_notes (plan_id, seq, kind, clause, text, text_vi)
       values ($p, $seq, $kind, $clause, $text, $text_vi)`,
      {
        p: plan.id,
        seq: seq + 1,
        kind: note.kind,
        clause: note.clause,
        text: note.text,
        text_vi: note.text_vi ?? null,
      },
    );
  }
  for (const t of plan.targets) {
    const scope = t.scope;
    const [numerator, denominator] = t.measured_by ? measureMetrics(t.measured_by) : [null, null];
    await db.run(
      `insert into core.targets (target_id, plan_id, indicator_id, measure, unit_code, level,
         comparator, value, unit_of_measure, window_start, deadline, clause, quote, measure_kind,
         numerator_metric, denominator_metric, adopted_from, source_urls, confidence)
       values ($id, $plan, $ind, $measure, $code, $level, $cmp, $value, $uom, $start::date,
         $deadline::date, $clause, $quote, $kind, $num, $den, $adopts, $urls, $confidence)`,
      {
        id: `${plan.id}/${t.id}`,
        plan: plan.id,
        ind: t.indicator,
        measure: t.measure,
        code:
          scope === 'plan_unit' ? plan.unit_code : 'unit_code' in scope ? scope.unit_code : null,
        level: scope !== 'plan_unit' && 'level' in scope ? scope.level : null,
        cmp: t.comparator,
        value: t.value,
        uom: t.unit_of_measure,
        start: t.window_start,
        deadline: t.deadline,
        clause: t.clause,
        quote: t.quote,
        kind: measureKind(t),
        num: numerator,
        den: denominator,
        adopts: t.adopts,
        urls: listValue(t.source),
        confidence: t.confidence,
      },
      { urls: LIST(VARCHAR) },
    );
  }
  for (const [i, task] of plan.tasks.entries()) {
    const d = task.deadline === null ? null : parseDeadline(task.deadline);
    const params: Record<string, DuckDBValue> = {
      plan: plan.id,
      seq: i + 1,
      number: task.number,
      group: task.group,
      title: task.title,
      lead: listValue(task.lead),
      partners: listValue(task.partners),
      text: task.deadline,
      kind: d?.kind ?? null,
      qualifiers: listValue(d?.qualifiers ?? []),
      due: d?.due_on ?? null,
      milestones: listValue(d?.milestones ?? []),
      product: task.product,
      clause: task.clause,
    };
    await db.run(
      `insert into core.tasks (plan_id, seq, number, group_name, title, lead, partners,
         deadline_text, deadline_kind, deadline_qualifiers, due_on, milestones, product, clause)
       values ($plan, $seq, $number, $group, $title, $lead, $partners, $text, $kind, $qualifiers,
         $due::date, $milestones::date[], $product, $clause)`,
      params,
      {
        lead: LIST(VARCHAR),
        partners: LIST(VARCHAR),
        qualifiers: LIST(VARCHAR),
        milestones: LIST(VARCHAR),
      },
    );
    // each name as printed, and the agency it stands for in a plan of this unit's level
    const level = levelOfCode(plan.unit_code);
    for (const [role, names] of [
      ['lead', task.lead],
      ['partner', task.partners],
    ] as const) {
      for (const [position, name] of names.entries()) {
        await db.run(
          `insert into core.task_agencies (plan_id, seq, role, position, name, agency_id)
           values ($plan, $seq, $role, $pos, $name, $agency)`,
          {
            plan: plan.id,
            seq: i + 1,
            role,
            pos: position + 1,
            name,
            agency: agencies.resolve(name, level)?.id ?? null,
          },
        );
      }
    }
  }
  for (const [i, p] of plan.procedures.entries()) {
    const d = p.deadline === null ? null : parseDeadline(p.deadline);
    await db.run(
      `insert into core.procedures (plan_id, seq, number, name, online_level, lead,
         deadline_text, due_on, status)
       values ($plan, $seq, $number, $name, $level, $lead, $text, $due::date, 'planned')`,
      {
        plan: plan.id,
        seq: i + 1,
        number: p.number,
        name: p.name,
        level: p.online_level,
        lead: p.lead,
        text: p.deadline,
        due: d?.due_on ?? null,
      },
    );
  }
  // recorded progress is never deleted with the rows: each change follows its task or procedure
  // to its place in this version (by number and title), or is kept detached (indicators/work)
  await followHistory(db, plan.id);
  const window = reportingWindow(plan);
  if (plan.report_due_day !== null) {
    await db.run(
      `insert into core.reporting_obligations (plan_id, unit_id, unit_code, report_due_day,
         frequency, clause, first_month, last_month)
       values ($plan, null, $code, $day, 'monthly', $clause, $first, $last)`,
      {
        plan: plan.id,
        code: plan.unit_code,
        day: plan.report_due_day,
        clause: plan.report_due_clause,
        first: window?.first ?? null,
        last: window?.last ?? null,
      },
    );
  }
}

/**
 * Points each plan at the unit its code named at the plan's date. Runs after definitions and
 * after every units import (a district plan finds its unit once districts are imported).
 */
export async function linkPlanUnits(db: Database, planIds?: string[]): Promise<void> {
  const all = await db.all<{
    plan_id: string;
    unit_code: string;
    issued_on: string | null;
    issued_on_text: string | null;
  }>('select plan_id, unit_code, issued_on, issued_on_text from core.plans');
  const plans = planIds ? all.filter((p) => planIds.includes(p.plan_id)) : all;
  for (const p of plans) {
    const date = planDate(p);
    await db.run(
      `update core.plans set unit_id = (
         select any_value(unit_id) from core.units
         where code = $code
           and ($date::date is null or ((valid_from is null or valid_from <= $date::date)
                and (valid_to is null or $date::date <= valid_to)))
         having count(*) = 1)
       where plan_id = $plan`,
      { code: p.unit_code, date, plan: p.plan_id },
    );
    await db.run(
      'update core.reporting_obligations set unit_id = (select unit_id from core.plans where plan_id = $plan) where plan_id = $plan',
      { plan: p.plan_id },
    );
  }
}
