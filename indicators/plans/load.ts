// Reads plan files (the YAML of indicators/plans/), validates each on its own and then the set as
// a whole (unique ids, parents that exist, targets that name catalogue indicators or metrics, the
// metrics plans declare, the targets a successor's plan adopts). Every problem names its path
// and reads in Vietnamese first (messages.ts); nothing here touches the database.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { DefinitionError } from '../definitions.ts';
import { parseDeadline } from '../../pipelines/normalize/deadlines.ts';
import { matchKey } from '../../pipelines/normalize/text.ts';
import { Plan, type MeasuredBy, type MetricRef, type Target } from './schema.ts';
import { formatProblem, planIssues, viEn, type PlanProblem } from './messages.ts';
import type { Metric } from '../catalogue/schema.ts';
import type { Catalogue } from '../catalogue/load.ts';
import { projectFile } from '../../pipelines/db/connect.ts';

export const PLANS_DIR = projectFile('indicators/plans');

export function planFiles(dir = PLANS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(dir, f));
}

/** What a plan is checked against: the catalogue's indicators (with their unit) and metrics. */
export type PlanContext = Pick<Catalogue, 'indicators' | 'metrics'>;

export type MeasureKind = 'indicator' | 'metric' | 'none';

export function measureKind(t: Pick<Target, 'indicator' | 'measured_by'>): MeasureKind {
  return t.indicator !== null ? 'indicator' : t.measured_by !== null ? 'metric' : 'none';
}

const refId = (ref: MetricRef) => (typeof ref === 'string' ? ref : ref.id);

/** The metric ids a target's own measure reads: [numerator, denominator | null]. */
export function measureMetrics(m: MeasuredBy): [string, string | null] {
  return 'metric' in m ? [refId(m.metric), null] : [refId(m.numerator), refId(m.denominator)];
}

/** The metrics a plan declares in its targets (inline declarations), each with its path. */
function declarations(plan: Plan): Array<{ path: string; metric: Metric }> {
  const out: Array<{ path: string; metric: Metric }> = [];
  plan.targets.forEach((t, i) => {
    if (t.measured_by === null) return;
    for (const [part, ref] of Object.entries(t.measured_by) as Array<[string, MetricRef]>) {
      if (typeof ref !== 'string')
        out.push({ path: `targets.${i}.measured_by.${part}`, metric: ref });
    }
  });
  return out;
}

const sameMetric = (a: Metric, b: Metric) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Checks within one plan that zod cannot express: unique target ids, catalogue indicators that
 * exist and fit the target's unit, readable deadlines, declared metrics that do not redefine a
 * catalogue metric. Metric ids a target names but does not declare are checked with the set.
 */
export function checkPlan(plan: Plan, catalogue: PlanContext): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const problem = (path: string, vi: string, en: string) =>
    problems.push({ path, message: viEn(vi, en) });
  const indicators = new Map(catalogue.indicators.map((i) => [i.id, i]));
  const metrics = new Map(catalogue.metrics.map((m) => [m.id, m]));
  const seen = new Set<string>();
  plan.targets.forEach((t, i) => {
    if (seen.has(t.id)) {
      problem(`targets.${i}.id`, `trùng mã chỉ tiêu ${t.id}`, `duplicate target id ${t.id}`);
    }
    seen.add(t.id);
    if (t.indicator !== null) {
      const indicator = indicators.get(t.indicator);
      if (!indicator) {
        problem(
          `targets.${i}.indicator`,
          `không có chỉ số ${t.indicator} trong danh mục`,
          `unknown indicator ${t.indicator}`,
        );
      } else if (indicator.unit !== t.unit_of_measure) {
        problem(
          `targets.${i}.unit_of_measure`,
          `là ${t.unit_of_measure} nhưng chỉ số ${t.indicator} là ${indicator.unit}`,
          `${t.unit_of_measure}, but indicator ${t.indicator} is a ${indicator.unit}`,
        );
      }
    }
  });
  const local = new Map<string, Metric>();
  for (const { path, metric } of declarations(plan)) {
    const known = metrics.get(metric.id);
    if (known && !sameMetric(known, metric)) {
      problem(
        `${path}.id`,
        `${metric.id} là số liệu trong danh mục: chỉ ghi mã của nó`,
        `${metric.id} is a catalogue metric; name it by its id`,
      );
    }
    const other = local.get(metric.id);
    if (other && !sameMetric(other, metric)) {
      problem(
        `${path}.id`,
        `${metric.id} được khai báo hai lần, khác nhau`,
        `${metric.id} is declared twice with different definitions`,
      );
    }
    local.set(metric.id, metric);
  }
  const deadlines: Array<[string, string | null]> = [
    ...plan.tasks.map((t, i) => [`tasks.${i}.deadline`, t.deadline] as [string, string | null]),
    ...plan.procedures.map(
      (p, i) => [`procedures.${i}.deadline`, p.deadline] as [string, string | null],
    ),
  ];
  for (const [path, text] of deadlines) {
    if (text !== null && parseDeadline(text).kind === 'unknown') {
      problem(path, `không đọc được thời hạn "${text}"`, `unreadable deadline "${text}"`);
    }
  }
  return problems;
}

/** The text of a plan file: UTF-8 (a byte-order mark is dropped), or null when it is not. */
export function decodePlanFile(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
}

const YAML_WORDS: Record<string, string> = {
  DUPLICATE_KEY: 'khóa bị lặp',
  TAB_AS_INDENT: 'không được thụt lề bằng tab',
  BAD_INDENT: 'thụt lề sai',
  MISSING_CHAR: 'thiếu ký tự đóng',
};

/** A YAML text as data, or the syntax problems with their line and column. */
export function parsePlanYaml(text: string): { data: unknown; problems: PlanProblem[] } {
  const doc = parseDocument(text, { prettyErrors: true });
  const problems = doc.errors.map((e) => {
    const at = e.linePos?.[0];
    const where = at ? `dòng ${at.line}, cột ${at.col}: ` : '';
    const en = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    const vi = YAML_WORDS[e.code] ?? 'lỗi cú pháp YAML';
    return { path: '', message: where + viEn(vi, `YAML: ${en}`) };
  });
  return { data: problems.length > 0 ? null : doc.toJS(), problems };
}

/**
 * One plan file's text, validated on its own against the catalogue: the plan, or every problem
 * (YAML syntax, then the schema, then the checks zod cannot express).
 */
export function readPlan(
  text: string,
  catalogue: PlanContext,
): { plan: Plan; problems: [] } | { plan: null; problems: PlanProblem[] } {
  const { data, problems } = parsePlanYaml(text);
  if (problems.length > 0) return { plan: null, problems };
  if (data === null || data === undefined) {
    return {
      plan: null,
      problems: [{ path: '', message: viEn('tệp trống', 'the file is empty') }],
    };
  }
  const parsed = Plan.safeParse(data, { reportInput: true });
  if (!parsed.success) return { plan: null, problems: planIssues(parsed.error.issues) };
  const checked = checkPlan(parsed.data, catalogue);
  return checked.length > 0
    ? { plan: null, problems: checked }
    : { plan: parsed.data, problems: [] };
}

export interface LoadedPlan extends Plan {
  file: string;
}

export interface DeclaredMetric extends Metric {
  /** the plans that declare it (a metric may be declared by several, identically) */
  plans: string[];
}

/** Every metric the plans declare, once each, with the plans that declare it. */
export function declaredMetrics(plans: Plan[], catalogue: PlanContext): DeclaredMetric[] {
  const inCatalogue = new Set(catalogue.metrics.map((m) => m.id));
  const out = new Map<string, DeclaredMetric>();
  for (const plan of plans) {
    for (const { metric } of declarations(plan)) {
      if (inCatalogue.has(metric.id)) continue;
      const entry = out.get(metric.id) ?? { ...metric, plans: [] };
      if (!entry.plans.includes(plan.id)) entry.plans.push(plan.id);
      out.set(metric.id, entry);
    }
  }
  return [...out.values()];
}

/**
 * Checks across plans: metrics named by id exist (catalogue or declared by some plan), one id is
 * declared one way, and an adopted target exists, is another plan's, and is measured the same way.
 */
export function checkPlanSet(
  plans: LoadedPlan[],
  catalogue: PlanContext,
): Array<{ file: string; problems: PlanProblem[] }> {
  const errors = new Map<string, PlanProblem[]>();
  const problem = (plan: LoadedPlan, path: string, vi: string, en: string) =>
    errors.set(plan.file, [...(errors.get(plan.file) ?? []), { path, message: viEn(vi, en) }]);
  const known = new Map<string, { metric: Metric; plan: string | null }>(
    catalogue.metrics.map((m) => [m.id, { metric: m, plan: null }]),
  );
  // a wide file's header names a metric by its label: one label, one metric
  const labels = new Map(catalogue.metrics.map((m) => [matchKey(m.name_vi), m.id]));
  for (const plan of plans) {
    for (const { path, metric } of declarations(plan)) {
      const other = known.get(metric.id);
      if (other && other.plan !== null && !sameMetric(other.metric, metric)) {
        problem(
          plan,
          `${path}.id`,
          `${metric.id} đã được kế hoạch ${other.plan} khai báo khác`,
          `${metric.id} is declared differently by plan ${other.plan}`,
        );
      }
      if (other) continue;
      known.set(metric.id, { metric, plan: plan.id });
      const label = labels.get(matchKey(metric.name_vi));
      if (label !== undefined) {
        problem(
          plan,
          `${path}.name_vi`,
          `"${metric.name_vi}" đã là tên của số liệu ${label}`,
          `"${metric.name_vi}" is already the label of metric ${label}`,
        );
      }
      labels.set(matchKey(metric.name_vi), metric.id);
    }
  }
  const targets = new Map<string, { plan: LoadedPlan; target: Target }>();
  for (const plan of plans) {
    for (const target of plan.targets) targets.set(`${plan.id}/${target.id}`, { plan, target });
  }
  const measureOf = (t: Target) =>
    t.indicator ?? (t.measured_by ? measureMetrics(t.measured_by).join('/') : null);
  for (const plan of plans) {
    plan.targets.forEach((t, i) => {
      if (t.measured_by !== null) {
        for (const [part, ref] of Object.entries(t.measured_by) as Array<[string, MetricRef]>) {
          if (typeof ref === 'string' && !known.has(ref)) {
            problem(
              plan,
              `targets.${i}.measured_by.${part}`,
              `không có số liệu ${ref}`,
              `unknown metric ${ref}`,
            );
          }
        }
      }
      if (t.adopts === null) return;
      const adopted = targets.get(t.adopts);
      const path = `targets.${i}.adopts`;
      if (!adopted) {
        problem(plan, path, `không có chỉ tiêu ${t.adopts}`, `unknown target ${t.adopts}`);
      } else if (adopted.plan.id === plan.id) {
        problem(
          plan,
          path,
          `${t.adopts} là chỉ tiêu của chính kế hoạch này`,
          `${t.adopts} is a target of this plan`,
        );
      } else if (measureOf(adopted.target) !== measureOf(t)) {
        problem(
          plan,
          path,
          `${t.adopts} đo bằng ${measureOf(adopted.target)}, chỉ tiêu này bằng ${measureOf(t)}`,
          `${t.adopts} is measured by ${measureOf(adopted.target)}, this target by ${measureOf(t)}`,
        );
      }
    });
  }
  return [...errors].map(([file, problems]) => ({ file, problems }));
}

/**
 * Checks of plan ids across the set: one plan per id, parents that exist. `files` are the plans
 * (each with the file it came from); problems are keyed by file.
 */
export function checkPlanIds(
  plans: LoadedPlan[],
): Array<{ file: string; problems: PlanProblem[] }> {
  const out: Array<{ file: string; problems: PlanProblem[] }> = [];
  const ids = new Map<string, string>();
  for (const plan of plans) {
    const other = ids.get(plan.id);
    if (other) {
      out.push({
        file: plan.file,
        problems: [
          {
            path: 'id',
            message: viEn(
              `mã kế hoạch ${plan.id} đã được dùng ở ${other}`,
              `${plan.id} is also used by ${other}`,
            ),
          },
        ],
      });
    } else ids.set(plan.id, plan.file);
  }
  for (const plan of plans) {
    if (plan.parent_plan !== null && !ids.has(plan.parent_plan)) {
      out.push({
        file: plan.file,
        problems: [
          {
            path: 'parent_plan',
            message: viEn(
              `không có kế hoạch ${plan.parent_plan}`,
              `unknown plan ${plan.parent_plan}`,
            ),
          },
        ],
      });
    }
  }
  return out;
}

/** The plans of a folder (the shipped ones by default), checked each and as a set. */
export function loadPlans(catalogue: PlanContext, dir = PLANS_DIR): LoadedPlan[] {
  const plans = planFiles(dir).map((file) => {
    const text = decodePlanFile(readFileSync(file));
    if (text === null) {
      throw new DefinitionError(file, [viEn('tệp không phải UTF-8', 'the file is not UTF-8')]);
    }
    const read = readPlan(text, catalogue);
    if (read.plan === null) throw new DefinitionError(file, read.problems.map(formatProblem));
    return { ...read.plan, file };
  });
  const [first] = [...checkPlanIds(plans), ...checkPlanSet(plans, catalogue)];
  if (first) throw new DefinitionError(first.file, first.problems.map(formatProblem));
  return plans;
}
