// The status of a target as of a date (DESIGN.md §3), as a pure function of its inputs. Every
// input and intermediate value is returned, so a reader can check the verdict by hand.
import { dateOfDayNumber, dayNumber } from '../../pipelines/normalize/calendar.ts';

export type Comparator = '>=' | '>' | '<=' | '<';

/** Best to worst, then the states without a verdict: the order legends and schemas list them in. */
export const STATUSES = [
  'achieved',
  'on_track',
  'at_risk',
  'off_track',
  'regressing',
  'missed',
  'no_data',
  'superseded',
] as const;

export type Status = (typeof STATUSES)[number];

export interface Observation {
  /** ISO date the value stands for (the end of its period) */
  on: string;
  value: number;
}

export interface StatusInput {
  comparator: Comparator;
  /** T: the target value */
  target: number;
  /** window start and deadline D (ISO dates) */
  windowStart: string;
  deadline: string;
  /** A: the date the status is computed as of (ISO) */
  asOf: string;
  /** b: the value at the window start (or declared); null: the earliest observation is used */
  baseline: number | null;
  /** actuals up to A, any order; the latest is a */
  observations: Observation[];
  /** the last day the unit existed, when it ceased to exist before the deadline */
  unitValidTo?: string | null;
}

export interface StatusResult {
  status: Status;
  baseline: number | null;
  target: number;
  deadline: string;
  actual: number | null;
  actualOn: string | null;
  /** e(A): the straight-line expectation at A */
  expected: number | null;
  /** p: the value projected at D by the least-squares line (≥ 3 observations) */
  projected: number | null;
  /** r: progress ratio the status bands are read from */
  ratio: number | null;
  /** observations used for the trend (the last ≤ 6) */
  observations: number;
  /** the date the trend line reaches the target, if it does by the deadline */
  forecastOn: string | null;
  /** true when the trend does not reach the target by the deadline */
  notBeforeDeadline: boolean;
}

export const BANDS = { onTrack: 0.95, atRisk: 0.6 } as const;
const TREND_POINTS = 6;
const MIN_TREND_POINTS = 3;

const toDays = dayNumber;
const fromDays = (days: number) => dateOfDayNumber(Math.round(days));

export function meets(value: number, comparator: Comparator, target: number): boolean {
  switch (comparator) {
    case '>=':
      return value >= target;
    case '>':
      return value > target;
    case '<=':
      return value <= target;
    case '<':
      return value < target;
  }
}

/** Least-squares line through (x, y); null when x does not vary. */
export function leastSquares(
  points: Array<[number, number]>,
): { slope: number; intercept: number } | null {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) * (x - mx);
    sxy += (x - mx) * (y - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

export function evaluateTarget(input: StatusInput): StatusResult {
  const { comparator, target, windowStart, deadline, asOf } = input;
  const sorted = input.observations
    .filter((o) => o.on <= asOf && Number.isFinite(o.value))
    .sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
  const baseline = input.baseline ?? sorted[0]?.value ?? null;
  const last = sorted.at(-1) ?? null;
  const trend = sorted.slice(-TREND_POINTS);
  const result: StatusResult = {
    status: 'no_data',
    baseline,
    target,
    deadline,
    actual: last?.value ?? null,
    actualOn: last?.on ?? null,
    expected: null,
    projected: null,
    ratio: null,
    observations: trend.length,
    forecastOn: null,
    notBeforeDeadline: false,
  };

  // straight-line expectation at A from the baseline to the target over the window
  const span = toDays(deadline) - toDays(windowStart);
  const elapsed = Math.min(Math.max(toDays(asOf) - toDays(windowStart), 0), span);
  if (baseline !== null && span > 0) {
    result.expected = baseline + ((target - baseline) * elapsed) / span;
  }

  // trend: least squares through the last ≤ 6 observations, x in days
  const line =
    trend.length >= MIN_TREND_POINTS
      ? leastSquares(trend.map((o) => [toDays(o.on), o.value]))
      : null;
  if (line) {
    result.projected = line.intercept + line.slope * toDays(deadline);
    if (line.slope !== 0) {
      const reachDay = (target - line.intercept) / line.slope;
      const rising = line.slope > 0 === (comparator === '>=' || comparator === '>');
      if (rising && reachDay <= toDays(deadline)) {
        result.forecastOn = fromDays(Math.max(reachDay, last ? toDays(last.on) : reachDay));
      }
    }
    result.notBeforeDeadline = result.forecastOn === null;
  }

  const ceased = input.unitValidTo ?? null;
  if (ceased !== null && ceased < deadline && asOf > ceased) {
    result.status = 'superseded';
    return result;
  }
  if (last === null) return result;
  if (meets(last.value, comparator, target)) {
    result.status = 'achieved';
    return result;
  }
  if (asOf > deadline) {
    result.status = 'missed';
    return result;
  }
  const b = baseline as number; // there is an observation, so there is a baseline
  const toward = (v: number) =>
    target === b ? (meets(v, comparator, b) ? 1 : -1) : (v - b) / (target - b);
  if (result.projected !== null && target !== b) {
    result.ratio = (result.projected - b) / (target - b);
  } else if (result.expected !== null && result.expected !== b) {
    result.ratio = (last.value - b) / (result.expected - b);
  } else {
    // nothing is expected yet (A is the window's first day) or nothing is to be gained: any
    // step toward the target is on track, any step away is regressing
    result.ratio = toward(last.value) >= 0 ? 1 : toward(last.value);
  }
  const r = result.ratio;
  result.status =
    r >= BANDS.onTrack
      ? 'on_track'
      : r >= BANDS.atRisk
        ? 'at_risk'
        : r >= 0
          ? 'off_track'
          : 'regressing';
  return result;
}
