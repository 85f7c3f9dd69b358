// What a planner reads when a plan file is refused: each problem as `path: Vietnamese words
// (English words)`, the path kept as zod gives it (`targets.1.value`), and the value given where
// one was. A small table covers zod's common issue codes and the schema's own messages; anything
// else keeps its English words after a Vietnamese "không hợp lệ".
import type { z } from 'zod';

/** One problem of a plan file: where (a dotted path, '' for the whole file) and what. */
export interface PlanProblem {
  path: string;
  message: string;
}

export const formatProblem = (p: PlanProblem): string =>
  p.path ? `${p.path}: ${p.message}` : p.message;

/** Vietnamese first, the English in brackets: `phải là một số (expected number)`. */
export const viEn = (vi: string, en: string): string => `${vi} (${en})`;

/** The schema's own messages (indicators/plans/schema.ts, catalogue/schema.ts) in Vietnamese. */
const CUSTOM: Record<string, string> = {
  'expected a date YYYY-MM-DD': 'phải là một ngày dạng YYYY-MM-DD',
  'not a calendar date': 'không phải một ngày có thật',
  'expected lower-case letters, digits, dot, dash or underscore':
    'chỉ gồm chữ thường không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới',
  'expected a metric id in snake_case': 'phải là mã số liệu dạng snake_case',
  'expected snake_case': 'phải ở dạng snake_case (chữ thường, chữ số, gạch dưới)',
  'expected <plan id>/<target id>': 'phải có dạng <mã kế hoạch>/<mã chỉ tiêu>',
  'window_start is after deadline': 'ngày bắt đầu (window_start) sau hạn chót',
  'a target is measured by a catalogue indicator or by metrics it declares, not both':
    'chỉ tiêu được đo bằng một chỉ số trong danh mục hoặc bằng số liệu tự khai báo, không được cả hai',
  'a count target is measured by {metric}, a percent target by {numerator, denominator}':
    'chỉ tiêu đếm đo bằng {metric}, chỉ tiêu tỷ lệ bằng {numerator, denominator}',
};

const TYPES: Record<string, [vi: string, en: string]> = {
  string: ['phải là chuỗi ký tự', 'expected text'],
  number: ['phải là một số', 'expected number'],
  int: ['phải là một số nguyên', 'expected an integer'],
  boolean: ['phải là true hoặc false', 'expected true or false'],
  array: ['phải là một danh sách', 'expected a list'],
  object: ['phải là một nhóm trường (key: value)', 'expected a mapping of fields'],
  null: ['phải để trống (null)', 'expected null'],
};

/** The value given, quoted, when it is short enough to show; '' otherwise. */
function shown(input: unknown): string {
  if (input === undefined || (typeof input === 'object' && input !== null)) return '';
  const text = JSON.stringify(input);
  return text.length <= 60 ? `: ${text}` : `: ${text.slice(0, 57)}…`;
}

const list = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(', ');

/** The words of one issue (no path). */
function words(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type': {
      if (input === undefined) return viEn('thiếu trường bắt buộc', 'required field missing');
      const [vi, en] = TYPES[issue.expected] ?? [
        `phải có kiểu ${issue.expected}`,
        `expected ${issue.expected}`,
      ];
      return viEn(vi, en) + shown(input);
    }
    case 'too_small': {
      const n = Number(issue.minimum);
      if (issue.origin === 'string') {
        return n <= 1
          ? viEn('không được để trống', 'must not be empty')
          : viEn(`phải có ít nhất ${n} ký tự`, `at least ${n} characters`);
      }
      if (issue.origin === 'array' || issue.origin === 'set') {
        return viEn(`phải có ít nhất ${n} phần tử`, `at least ${n} items`);
      }
      const op = issue.inclusive ? '≥' : '>';
      return viEn(`phải ${op} ${n}`, `must be ${issue.inclusive ? '>=' : '>'} ${n}`) + shown(input);
    }
    case 'too_big': {
      const n = Number(issue.maximum);
      if (issue.origin === 'string') {
        return viEn(`dài quá ${n} ký tự`, `at most ${n} characters`);
      }
      if (issue.origin === 'array' || issue.origin === 'set') {
        return viEn(`có quá ${n} phần tử`, `at most ${n} items`);
      }
      const op = issue.inclusive ? '≤' : '<';
      return viEn(`phải ${op} ${n}`, `must be ${issue.inclusive ? '<=' : '<'} ${n}`) + shown(input);
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? viEn(`phải là ${list(issue.values)}`, `expected ${list(issue.values)}`) + shown(input)
        : viEn(`phải là một trong ${list(issue.values)}`, `expected one of ${list(issue.values)}`) +
            shown(input);
    case 'invalid_format': {
      if (issue.format === 'url')
        return viEn('không phải địa chỉ URL hợp lệ', 'expected a URL') + shown(input);
      const vi = CUSTOM[issue.message];
      return (
        (vi
          ? viEn(vi, issue.message)
          : viEn('sai định dạng', issue.message || `expected ${issue.format}`)) + shown(input)
      );
    }
    case 'not_multiple_of':
      return viEn(`phải là bội số của ${issue.divisor}`, `expected a multiple of ${issue.divisor}`);
    case 'custom': {
      const vi = CUSTOM[issue.message];
      return vi ? viEn(vi, issue.message) : viEn('không hợp lệ', issue.message);
    }
    default:
      return viEn('không hợp lệ', issue.message);
  }
}

/**
 * Of a union's branches, the one the author most likely meant: the branch whose problems reach
 * deepest into the value (it matched the most structure), then the one with fewest problems.
 */
function likeliestBranch(branches: z.core.$ZodIssue[][]): z.core.$ZodIssue[] | null {
  let best: z.core.$ZodIssue[] | null = null;
  let bestDepth = -1;
  for (const branch of branches) {
    const depth = Math.max(...branch.map((i) => i.path.length));
    if (depth > bestDepth || (depth === bestDepth && best && branch.length < best.length)) {
      best = branch;
      bestDepth = depth;
    }
  }
  return bestDepth > 0 ? best : null;
}

/** zod's issues as problems with their paths, in Vietnamese then English. */
export function planIssues(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []) {
  const out: PlanProblem[] = [];
  const path = (p: PropertyKey[]) => [...prefix, ...p].map(String).join('.');
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({
          path: path([...issue.path, key]),
          message: viEn('trường không có trong mẫu kế hoạch', 'unknown field'),
        });
      }
    } else if (issue.code === 'invalid_union') {
      const branch = likeliestBranch(issue.errors);
      if (branch) out.push(...planIssues(branch, [...prefix, ...issue.path]));
      else {
        out.push({
          path: path(issue.path),
          message: viEn(
            'không khớp dạng nào được phép',
            'matches none of the allowed shapes: see indicators/plans/schema.ts',
          ),
        });
      }
    } else {
      out.push({ path: path(issue.path), message: words(issue) });
    }
  }
  return out;
}
