// Writes the declarations (catalogue and plans) into the database in one transaction, and links
// each plan to the unit its code named when it was issued. A second run with the same files
// writes nothing: the declarations' fingerprint is kept in core.meta.
import { createHash } from 'node:crypto';
import { listValue, VARCHAR, LIST, type DuckDBValue } from '@duckdb/node-api';
import type { Database } from '../pipelines/db/connect.ts';
import { parseDeadline } from '../pipelines/normalize/deadlines.ts';
import type { Catalogue } from './catalogue/load.ts';
import type { LoadedPlan } from './plans/load.ts';
import { relative } from 'node:path';
import { PROJECT_ROOT } from '../pipelines/db/connect.ts';

export interface DefinitionSummary {
  changed: boolean;
  metrics: number;
  indicators: number;
  plans: number;
  targets: number;
  tasks: number;
  procedures: number;
  notes: number;
}

export function fingerprint(catalogue: Catalogue, plans: LoadedPlan[]): string {
  const plain = plans.map(({ file, ...plan }) => ({ ...plan, file: relative(PROJECT_ROOT, file) }));
  return createHash('sha256')
    .update(JSON.stringify({ catalogue, plans: plain }))
    .digest('hex');
}

/** The date at which a plan's unit code is read: the issue date, else the year it names. */
export function planDate(plan: Pick<LoadedPlan, 'issued_on' | 'issued_on_text'>): string | null {
  if (plan.issued_on) return plan.issued_on;
  const year = plan.issued_on_text?.match(/(19|20)\d{2}/)?.[0];
  return year ? `${year}-01-01` : null;
}

export async function saveDefinitions(
  db: Database,
  catalogue: Catalogue,
  plans: LoadedPlan[],
): Promise<DefinitionSummary> {
  const summary: DefinitionSummary = {
    changed: false,
    metrics: catalogue.metrics.length,
    indicators: catalogue.indicators.length,
    plans: plans.length,
    targets: plans.reduce((n, p) => n + p.targets.length, 0),
    tasks: plans.reduce((n, p) => n + p.tasks.length, 0),
    procedures: plans.reduce((n, p) => n + p.procedures.length, 0),
    notes: plans.reduce((n, p) => n + p.notes.length, 0),
  };
  const print = fingerprint(catalogue, plans);
  const stored = await db.scalar<string | undefined>(
    "select value from core.meta where key = 'definitions_sha256'",
  );
  if (stored === print) return summary;

  await db.transaction(async () => {
    await db.run(`delete from core.metrics; delete from core.indicators; delete from core.plans;
      delete from core.plan_notes; delete from core.targets; delete from core.tasks;
      delete from core.procedures; delete from core.reporting_obligations;`);
    for (const m of catalogue.metrics) {
      await db.run('insert into core.metrics values ($id, $vi, $en, $unit, $kind)', {
        id: m.id,
        vi: m.name_vi,
        en: m.name_en,
        unit: m.unit,
        kind: m.kind,
      });
    }
    for (const i of catalogue.indicators) {
      await db.run('insert into core.indicators values ($id, $vi, $en, $unit, $dir, $num, $den)', {
        id: i.id,
        vi: i.name_vi,
        en: i.name_en,
        unit: i.unit,
        dir: i.direction,
        num: i.numerator,
        den: i.denominator,
      });
    }
    for (const plan of plans) await savePlan(db, plan);
    await db.run(
      `insert or replace into core.meta values ('definitions_sha256', $v),
         ('definitions_loaded_at', strftime(now(), '%Y-%m-%dT%H:%M:%S%z'))`,
      { v: print },
    );
  });
  await linkPlanUnits(db);
  return { ...summary, changed: true };
}

async function savePlan(db: Database, plan: LoadedPlan): Promise<void> {
  await db.run(
    `insert into core.plans values ($id, $code, null, $uname, $no, $title, $issuer, $issued::date,
       $issued_text, $parent, $stub, $due, $due_clause, $source, $file)`,
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
      file: relative(PROJECT_ROOT, plan.file),
    },
  );
  for (const [seq, note] of plan.notes.entries()) {
    await db.run('insert into core.plan_notes values ($p, $seq, $kind, $clause, $text)', {
      p: plan.id,
      seq: seq + 1,
      kind: note.kind,
      clause: note.clause,
      text: note.text,
    });
  }
  for (const t of plan.targets) {
    const scope = t.scope;
    await db.run(
      `insert into core.targets values ($id, $plan, $ind, $measure, $code, $level, $cmp, $value,
         $uom, $start::date, $deadline::date, $clause, $quote)`,
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
      },
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
      `insert into core.tasks values ($plan, $seq, $number, $group, $title, $lead, $partners,
         $text, $kind, $qualifiers, $due::date, $milestones::date[], $product, $clause)`,
      params,
      {
        lead: LIST(VARCHAR),
        partners: LIST(VARCHAR),
        qualifiers: LIST(VARCHAR),
        milestones: LIST(VARCHAR),
      },
    );
  }
  for (const [i, p] of plan.procedures.entries()) {
    const d = p.deadline === null ? null : parseDeadline(p.deadline);
    await db.run(
      `insert into core.procedures values ($plan, $seq, $number, $name, $level, $lead, $text,
         $due::date, 'planned')`,
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
  if (plan.report_due_day !== null) {
    await db.run(
      "insert into core.reporting_obligations values ($plan, null, $code, $day, 'monthly', $clause)",
      {
        plan: plan.id,
        code: plan.unit_code,
        day: plan.report_due_day,
        clause: plan.report_due_clause,
      },
    );
  }
}

/**
 * Points each plan at the unit its code named at the plan's date. Runs after definitions and
 * after every units import (a district plan finds its unit once districts are imported).
 */
export async function linkPlanUnits(db: Database): Promise<void> {
  const plans = await db.all<{
    plan_id: string;
    unit_code: string;
    issued_on: string | null;
    issued_on_text: string | null;
  }>('select plan_id, unit_code, issued_on, issued_on_text from core.plans');
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
