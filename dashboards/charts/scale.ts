// The value axis of the series and the ranking: 0–100 for a percent, from zero for a count.
import type { ValueUnit } from './format.ts';

/**
 * Plot's `zero` and `nice` options, or an explicit domain when every value (with zero) lies
 * within float precision of the others: d3's ticks over such an extent (e.g. ±5e-324) ask for an
 * array of infinite length and throw, and no tick could tell those values apart anyway.
 */
export function countScale(values: Iterable<number | null | undefined>): {
  zero?: true;
  nice: true;
  domain?: [number, number];
} {
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return hi - lo < Number.EPSILON
    ? { domain: [lo, lo + 1], nice: true }
    : { zero: true, nice: true };
}

/** The whole value axis: unlabelled, gridded, its ticks printed by `tickFormat`. */
export function valueAxis(
  unit: ValueUnit,
  values: Iterable<number | null | undefined>,
  tickFormat: (v: number) => string,
) {
  const domain = unit === 'percent' ? { domain: [0, 100] } : countScale(values);
  return { ...domain, label: null, grid: true, tickFormat };
}
