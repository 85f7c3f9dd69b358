// The rule strings the pipelines' sources can give a problem, found by reading the sources: the
// rule argument of every call that builds a problem (errorAt, an `add`/`err`/`problem` collector,
// a reader's error class), `rule: '…'` fields and `…Rule` unions, and the rule column of the SQL
// that selects problems (`select part, line, column, value, 'rule', …`). A new rule written any of
// these ways is found, so a test can demand a Vietnamese text for it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Where the rule is among a builder's arguments (0-based). */
const RULE_ARG: Record<string, number> = {
  errorAt: 4,
  add: 3,
  err: 3,
  problem: 3,
  wholeFile: 1,
  error: 0,
  SniffError: 0,
  DecodeError: 1,
};

/** a table's column types (`{ rule: 'varchar' }` declares a column, not a rule) */
const COLUMN_TYPES = new Set(["'varchar'", "'boolean'", "'integer'", "'bigint'", "'double'"]);

const SNAKE = /^'([a-z][a-z0-9]*(?:_[a-z0-9]+)*)'$/;

/** The top-level arguments of the call whose '(' is at `open`, as source text. */
export function callArgs(src: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (c === "'" || c === '"' || c === '`') {
      i = skipString(src, i);
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) {
        args.push(src.slice(start, i).trim());
        return args;
      }
    } else if (c === ',' && depth === 1) {
      args.push(src.slice(start, i).trim());
      start = i + 1;
    }
  }
  return args;
}

/** The index of a string literal's closing quote (template literals' ${…} skipped whole). */
function skipString(src: string, at: number): number {
  const quote = src[at];
  for (let i = at + 1; i < src.length; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === quote) return i;
    else if (quote === '`' && src[i] === '$' && src[i + 1] === '{') {
      let depth = 0;
      for (let j = i + 1; j < src.length; j++) {
        if (src[j] === '{') depth++;
        else if (src[j] === '}' && --depth === 0) {
          i = j;
          break;
        }
      }
    }
  }
  return src.length;
}

/** The rules of one source text. */
export function rulesIn(src: string): Set<string> {
  const found = new Set<string>();
  const literal = (text: string | undefined) => {
    const m = text ? SNAKE.exec(text.trim()) : null;
    if (m) found.add(m[1]);
  };
  // builders: errorAt(file, row, column, value, 'rule', message) and the like
  for (const m of src.matchAll(
    /\b(errorAt|add|err|problem|wholeFile|error|SniffError|DecodeError)\(/g,
  )) {
    const args = callArgs(src, m.index + m[0].length - 1);
    const rule = args[RULE_ARG[m[1]]];
    // a rule given as `cond ? 'a' : 'b'`
    for (const part of (rule ?? '').split(/[?:]/)) literal(part);
  }
  // fields and defaults: rule: 'x', rule = 'x', readonly rule: 'a' | 'b' = 'a'
  // and rule: cond ? 'a' : 'b'
  for (const m of src.matchAll(/\brule\??\s*[:=]\s*([^,;\n)}]*)/g)) {
    for (const part of m[1].split(/\?|:|\||(?<![=!<>])=(?!=)/))
      if (!COLUMN_TYPES.has(part.trim())) literal(part);
  }
  // unions named …Rule
  for (const m of src.matchAll(/type \w*Rule\s*=([^;]*);/g)) {
    for (const l of m[1].matchAll(/'[a-z0-9_]+'/g)) literal(l[0]);
  }
  // SQL selecting problems: select <part>, <line>, <column>, <value>, '<rule>', …
  for (const m of src.matchAll(/\bselect\b([\s\S]*?)\bfrom\b/gi)) {
    const items = callArgs(`(${m[1]})`, 0);
    if (items.length >= 5 && /\bline\b/.test(items[1] ?? '')) {
      literal(items[4]);
      literal(items[4]?.replace(/\s+as rule$/, ''));
    }
  }
  return found;
}

/** Every rule in the .ts sources under `dir`, with the first file that gives it. */
export function rulesUnder(dir: string): Map<string, string> {
  const rules = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts')) {
        for (const r of rulesIn(readFileSync(path, 'utf8'))) if (!rules.has(r)) rules.set(r, path);
      }
    }
  };
  walk(dir);
  return rules;
}
