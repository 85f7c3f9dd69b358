// The agencies catalogue (agencies.yaml): the offices plan tasks name as lead or partner, with
// their aliases, and the resolver that maps a name as printed to one of them. Matching is blind
// to case, Unicode form, tone placement, dashes, spacing and punctuation (matchKey); anything
// else is an explicit alias. A name used at two levels is settled by the plan unit's level; a
// name that context cannot settle stays unmapped, never guessed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DefinitionError, formatIssues, readYaml } from '../definitions.ts';
import { matchKey } from '../../pipelines/normalize/text.ts';
import { projectFile } from '../../pipelines/db/connect.ts';

export const AGENCIES_FILE = join(projectFile('indicators/catalogue'), 'agencies.yaml');

const AgencyLevel = z.enum(['national', 'province', 'district', 'commune']);
type AgencyLevel = z.infer<typeof AgencyLevel>;

export const Agency = z
  .object({
    id: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/, 'expected snake_case')
      .describe('stable id'),
    name_vi: z.string().min(1).describe('the usual name, as an office of any unit of its level'),
    name_en: z.string().min(1),
    level: AgencyLevel.nullable().describe('where the office sits; null: at any level'),
    kind: z
      .enum(['agency', 'collective'])
      .default('agency')
      .describe('collective: several offices named together ("các sở, ban, ngành")'),
    aliases: z
      .array(z.string().min(1))
      .default([])
      .describe('other names as printed, beyond case, tone placement, dash and spacing'),
  })
  .strict();
export type Agency = z.infer<typeof Agency>;

/** The level of a plan's unit from its GSO code: VN, 2 digits, 3 digits, 5 digits. */
export function levelOfCode(code: string): AgencyLevel | null {
  if (code === 'VN') return 'national';
  if (/^\d{2}$/.test(code)) return 'province';
  if (/^\d{3}$/.test(code)) return 'district';
  if (/^\d{5}$/.test(code)) return 'commune';
  return null;
}

export class AgencyIndex {
  /** matchKey of every name and alias → the agencies it names, with the name as written */
  private readonly byKey = new Map<string, Array<{ agency: Agency; name: string }>>();

  constructor(readonly agencies: Agency[]) {
    for (const agency of agencies) {
      const seen = new Set<string>();
      for (const name of [agency.name_vi, ...agency.aliases]) {
        const key = matchKey(name);
        if (seen.has(key)) continue;
        seen.add(key);
        this.byKey.set(key, [...(this.byKey.get(key) ?? []), { agency, name }]);
      }
    }
  }

  /** Names that two agencies of one level share: context could not tell them apart. */
  clashes(): string[] {
    const out: string[] = [];
    for (const list of this.byKey.values()) {
      const levels = list.map((e) => e.agency.level ?? 'any');
      if (new Set(levels).size < levels.length) {
        out.push(
          `${list.map((e) => `"${e.name}" (${e.agency.id})`).join(' and ')} are one name at one level`,
        );
      }
    }
    return out;
  }

  /** The agency a name as printed stands for, read in a plan of a unit at `level`; or null. */
  resolve(name: string, level: AgencyLevel | null): Agency | null {
    const found = (this.byKey.get(matchKey(name)) ?? []).map((e) => e.agency);
    if (found.length <= 1) return found[0] ?? null;
    const atLevel = found.filter((a) => a.level === level);
    return atLevel.length === 1 ? atLevel[0] : null;
  }
}

/** agencies.yaml, each entry validated on its own; absent file: no agencies. */
export function loadAgencies(file = AGENCIES_FILE): Agency[] {
  if (!existsSync(file)) return [];
  const data = readYaml(file);
  if (!Array.isArray(data)) throw new DefinitionError(file, ['agencies: expected a list']);
  const problems: string[] = [];
  const out: Agency[] = [];
  const seen = new Set<string>();
  data.forEach((entry, i) => {
    const key = typeof entry?.id === 'string' ? entry.id : String(i);
    const result = Agency.safeParse(entry);
    if (!result.success) {
      problems.push(...formatIssues(result.error.issues).map((p) => `agencies.${key}.${p}`));
      return;
    }
    if (seen.has(key)) problems.push(`agencies.${key}: duplicate id`);
    seen.add(key);
    out.push(result.data);
  });
  problems.push(...new AgencyIndex(out).clashes().map((c) => `agencies: ${c}`));
  if (problems.length > 0) throw new DefinitionError(file, problems);
  return out;
}
