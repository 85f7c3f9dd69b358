// Reading declarations (plans, catalogue) from YAML: parse, validate with zod, and report every
// problem prefixed with its path (`targets.1.value: expected number`), the file named first.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';

export class DefinitionError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
    this.name = 'DefinitionError';
  }
}

export function formatIssues(issues: z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}

/** Validate already-parsed data against a schema; throws DefinitionError naming every problem. */
export function validate<S extends z.ZodType>(schema: S, data: unknown, file: string): z.output<S> {
  const result = schema.safeParse(data);
  if (!result.success) throw new DefinitionError(file, formatIssues(result.error.issues));
  return result.data;
}

export function readYaml(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  try {
    return parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new DefinitionError(file, [(error as Error).message]);
  }
}
