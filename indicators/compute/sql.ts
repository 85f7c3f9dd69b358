// Named SQL blocks: a .sql file split at `-- name: X` lines, so the SQL lives in .sql files and
// the TypeScript only orders the steps and binds their parameters.
import { readFileSync } from 'node:fs';

export function sqlBlocks(file: string): Map<string, string> {
  const blocks = new Map<string, string>();
  let name: string | null = null;
  let lines: string[] = [];
  const flush = () => {
    if (name !== null) blocks.set(name, lines.join('\n').trim());
  };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^-- name: (\w+)\s*$/.exec(line);
    if (m) {
      flush();
      name = m[1];
      lines = [];
    } else {
      lines.push(line);
    }
  }
  flush();
  return blocks;
}

export function block(blocks: Map<string, string>, name: string): string {
  const sql = blocks.get(name);
  if (sql === undefined) throw new Error(`missing SQL block ${name}`);
  return sql;
}
