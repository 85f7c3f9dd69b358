// Loads every plan file in indicators/plans/, validates each on its own and then the set as a
// whole (unique ids, parents that exist, targets that name catalogue indicators).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DefinitionError, readYaml, validate } from '../definitions.ts';
import { parseDeadline } from '../../pipelines/normalize/deadlines.ts';
import { Plan } from './schema.ts';
import { projectFile } from '../../pipelines/db/connect.ts';

export const PLANS_DIR = projectFile('indicators/plans');

export function planFiles(dir = PLANS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(dir, f));
}

/** Checks within one plan that zod cannot express: unique target ids, readable deadlines. */
export function checkPlan(plan: Plan, indicatorIds: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  plan.targets.forEach((t, i) => {
    if (seen.has(t.id)) problems.push(`targets.${i}.id: duplicate target id ${t.id}`);
    seen.add(t.id);
    if (t.indicator !== null && !indicatorIds.has(t.indicator)) {
      problems.push(`targets.${i}.indicator: unknown indicator ${t.indicator}`);
    }
  });
  const deadlines: Array<[string, string | null]> = [
    ...plan.tasks.map((t, i) => [`tasks.${i}.deadline`, t.deadline] as [string, string | null]),
    ...plan.procedures.map(
      (p, i) => [`procedures.${i}.deadline`, p.deadline] as [string, string | null],
    ),
  ];
  for (const [path, text] of deadlines) {
    if (text !== null && parseDeadline(text).kind === 'unknown') {
      problems.push(`${path}: unreadable deadline "${text}"`);
    }
  }
  return problems;
}

export interface LoadedPlan extends Plan {
  file: string;
}

export function loadPlans(indicatorIds: ReadonlySet<string>, dir = PLANS_DIR): LoadedPlan[] {
  const plans = planFiles(dir).map((file) => {
    const plan = validate(Plan, readYaml(file), file);
    const problems = checkPlan(plan, indicatorIds);
    if (problems.length > 0) throw new DefinitionError(file, problems);
    return { ...plan, file };
  });
  const ids = new Map<string, string>();
  for (const plan of plans) {
    const other = ids.get(plan.id);
    if (other) throw new DefinitionError(plan.file, [`id: ${plan.id} is also used by ${other}`]);
    ids.set(plan.id, plan.file);
  }
  for (const plan of plans) {
    if (plan.parent_plan !== null && !ids.has(plan.parent_plan)) {
      throw new DefinitionError(plan.file, [`parent_plan: unknown plan ${plan.parent_plan}`]);
    }
  }
  return plans;
}
