// Loads metrics.yaml, indicators.yaml and agencies.yaml, each entry validated on its own, then
// cross-checked.
import { join } from 'node:path';
import { z } from 'zod';
import { DefinitionError, formatIssues, readYaml } from '../definitions.ts';
import { Indicator, Metric } from './schema.ts';
import { loadAgencies, type Agency } from './agencies.ts';
import { projectFile } from '../../pipelines/db/connect.ts';

const DIR = projectFile('indicators/catalogue');

export interface Catalogue {
  metrics: Metric[];
  indicators: Indicator[];
  /** agencies.yaml: the offices plan tasks name (none when the file is absent) */
  agencies: Agency[];
}

function entries<S extends z.ZodType>(
  schema: S,
  data: unknown,
  file: string,
  section: string,
): z.output<S>[] {
  if (!Array.isArray(data)) throw new DefinitionError(file, [`${section}: expected a list`]);
  const problems: string[] = [];
  const out: z.output<S>[] = [];
  const seen = new Set<string>();
  data.forEach((entry, i) => {
    const key = typeof entry?.id === 'string' ? entry.id : String(i);
    const result = schema.safeParse(entry);
    if (!result.success) {
      problems.push(...formatIssues(result.error.issues).map((p) => `${section}.${key}.${p}`));
      return;
    }
    if (seen.has(key)) problems.push(`${section}.${key}: duplicate id`);
    seen.add(key);
    out.push(result.data);
  });
  if (problems.length > 0) throw new DefinitionError(file, problems);
  return out;
}

export function checkCatalogue(catalogue: Pick<Catalogue, 'metrics' | 'indicators'>): string[] {
  const metricIds = new Set(catalogue.metrics.map((m) => m.id));
  const problems: string[] = [];
  for (const ind of catalogue.indicators) {
    for (const part of ['numerator', 'denominator'] as const) {
      const metric = ind[part];
      if (metric !== null && !metricIds.has(metric)) {
        problems.push(`indicators.${ind.id}.${part}: unknown metric ${metric}`);
      }
    }
  }
  return problems;
}

export function loadCatalogue(dir = DIR): Catalogue {
  const metricsFile = join(dir, 'metrics.yaml');
  const indicatorsFile = join(dir, 'indicators.yaml');
  const catalogue = {
    metrics: entries(Metric, readYaml(metricsFile), metricsFile, 'metrics'),
    indicators: entries(Indicator, readYaml(indicatorsFile), indicatorsFile, 'indicators'),
    agencies: loadAgencies(join(dir, 'agencies.yaml')),
  };
  const problems = checkCatalogue(catalogue);
  if (problems.length > 0) throw new DefinitionError(indicatorsFile, problems);
  return catalogue;
}
