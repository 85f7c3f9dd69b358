// The synthetic demo dataset, generated whole from a seed (pure: units in, rows out). Pre-2025
// provinces carry latent series over the whole timeline; a post-2025 province reports the sum of
// its predecessors' latent figures; districts and communes split their parent's figures. On top
// of the latent truth come the reporting realities: late and missing reports, a few outliers,
// data-quality warnings, and a later file of corrections.
import { Rng } from './random.ts';
import { addDays, dayAfterMonth, FIRST_MONTH, monthIndex, monthsBetween } from './calendar.ts';
import {
  drawProfile,
  latentSeries,
  MODELLED_METRICS,
  SEED_STORIES,
  STOCKS,
  type Figures,
} from './model.ts';
import { LAST_DAY_BEFORE_REFORM, REFORM_DATE } from '../load/units.ts';
import { validOn, type Level } from '../normalize/units.ts';
import { monthEnd } from '../normalize/calendar.ts';
import { DEFAULT_SEED } from './seed.ts';

export { DEFAULT_SEED };
export const DEMO_NOTE = 'dữ liệu mô phỏng (synthetic demo)';
// no comma or semicolon: the ingest pipeline sniffs the delimiter
export const CORRECTION_NOTE = `${DEMO_NOTE} - đính chính (correction)`;
export const DEFAULT_DUE_DAY = 20;

export interface DemoUnit {
  unit_id: string;
  code: string;
  name: string;
  level: Level;
  parent_id: string | null;
  valid_from: string | null;
  valid_to: string | null;
}

export interface DemoInput {
  units: DemoUnit[];
  successions: Array<{ from_unit_id: string; to_unit_id: string }>;
  /** unit_id → the day of the next month by which it must report (children inherit it) */
  dueDays: Record<string, number>;
  /** the catalogue's metric ids; figures are generated for those the model knows */
  metrics: string[];
}

export interface DemoOptions {
  seed: number;
  /** last month, YYYY-MM */
  until: string;
  /** today (ISO date): reports dated after it have not arrived yet; null: no cut */
  asOf: string | null;
}

export interface DemoRow {
  unit_id: string;
  unit_code: string;
  period: string;
  metric: string;
  value: number;
  reported_at: string;
  note: string;
}

export type AnomalyKind = 'outlier' | 'stock_fall' | 'numerator_above_denominator';

export interface Anomaly {
  kind: AnomalyKind;
  unit_id: string;
  period: string;
  metric: string;
  /** the latent (true) figure */
  latent: number;
  /** what the first report said */
  reported: number;
  /** whether the correction file puts it right */
  corrected: boolean;
}

export interface Absence {
  unit_id: string;
  period: string;
  reason: 'missing' | 'not_yet_reported';
}

/**
 * Sub-province detail, by pre-2025 province code: all its districts, and the communes of the
 * listed districts. The seed district plans are Phan Rang–Tháp Chàm (582) and Hương Sơn (439,
 * with Sơn Ninh 18175); Kiên Giang and Bà Rịa–Vũng Tàu have district and commune targets, so two
 * of their districts (a city and a rural one) carry commune figures. Every commune of every seed
 * province would be four times the rows for little more to see, and the demo must load fast.
 */
export const DETAIL: ReadonlyArray<{ code: string; communesOf: readonly string[] }> = [
  { code: '58', communesOf: ['582'] },
  { code: '91', communesOf: ['899', '903'] },
  { code: '77', communesOf: ['747', '750'] },
  { code: '42', communesOf: ['439'] },
  { code: '79', communesOf: [] },
];
/** Post-2025 provinces (by code) whose communes report from 7/2025. */
export const DETAIL_AFTER_REFORM: readonly string[] = ['42'];

/** What districts and communes report: the figures their targets and their office keep. */
export const DISTRICT_METRICS: readonly string[] = [
  'population',
  'cccd_eligible',
  'cccd_applications',
  'cccd_issued',
  'vneid_registered',
  'vneid_activated',
  'vneid_l2_activated',
  'dossiers_received',
  'dossiers_online',
  'dossiers_digitized',
  'results_electronic',
  'dossiers_on_time',
  'work_records_total',
  'work_records_online',
  'survey_responses',
  'survey_satisfied',
];
export const COMMUNE_METRICS: readonly string[] = [
  'population',
  'cccd_eligible',
  'cccd_issued',
  'vneid_activated',
  'dossiers_received',
  'dossiers_online',
  'work_records_total',
  'work_records_online',
];

export interface DemoDataset {
  options: DemoOptions;
  months: string[];
  metrics: string[];
  provincesBefore: DemoUnit[];
  provincesAfter: DemoUnit[];
  /** new province → its predecessors */
  predecessors: Record<string, string[]>;
  districts: DemoUnit[];
  communes: DemoUnit[];
  /** pre-2025 province → latent figures, one per month of the timeline */
  latent: Map<string, Figures[]>;
  /** every unit's figures before reporting realities (children and new provinces included) */
  figures: Map<string, Figures[]>;
  regressing: string[];
  /** the first reports */
  rows: DemoRow[];
  /** the later corrections (each a new revision of a figure in `rows`) */
  corrections: DemoRow[];
  anomalies: Anomaly[];
  absences: Absence[];
}

export const figureKey = (unitId: string, period: string, metric: string) =>
  `${unitId}|${period}|${metric}`;

/** For each numerator, the figures it may never exceed (nearest first). */
const CAPS: Record<string, readonly string[]> = {
  cccd_applications: ['cccd_eligible'],
  cccd_issued: ['cccd_applications', 'cccd_eligible'],
  vneid_registered: ['cccd_eligible'],
  vneid_activated: ['vneid_registered', 'cccd_eligible'],
  vneid_l2_activated: ['vneid_activated'],
  dossiers_online: ['dossiers_received'],
  dossiers_digitized: ['dossiers_received'],
  results_electronic: ['dossiers_received'],
  dossiers_on_time: ['dossiers_received'],
  work_records_online: ['work_records_total'],
  survey_satisfied: ['survey_responses'],
  payments_online: ['payments_total'],
  medical_visits_cccd: ['medical_visits'],
};
/** A child's performance multiplier is shared within a family (cards move together). */
const FAMILY: Record<string, string> = {
  cccd_applications: 'cccd',
  cccd_issued: 'cccd',
  vneid_registered: 'vneid',
  vneid_activated: 'vneid',
  vneid_l2_activated: 'vneid',
};
/** Flows that move with the same office workload share one month-to-month factor. */
const WORKLOAD: Record<string, string> = {
  work_records_total: 'work',
  work_records_online: 'work',
  medical_visits: 'medical',
  medical_visits_cccd: 'medical',
};
const FRAGILE = new Set([
  'dossiers_online',
  'dossiers_digitized',
  'results_electronic',
  'work_records_online',
  'payments_online',
]);
/** numerators close to 100% everywhere: children differ little */
const STEADY = new Set(['dossiers_on_time', 'survey_satisfied']);

interface ChildProfile {
  weight: number;
  multipliers: Record<string, number>;
  regression: { from: number; drop: number } | null;
  reliability: number;
  startsAt: number;
  punctuality: number;
}

function drawChildren(seed: number, children: DemoUnit[], level: Level): Map<string, ChildProfile> {
  const sigma = level === 'commune' ? 0.16 : 0.1;
  const raw = children.map((c) => {
    const rng = new Rng(seed, 'child', c.unit_id);
    const size = Math.exp(rng.normal(0, level === 'commune' ? 0.5 : 0.6));
    const z = rng.normal();
    const multipliers: Record<string, number> = {};
    for (const metric of Object.keys(CAPS)) {
      const key = FAMILY[metric] ?? metric;
      if (multipliers[key] !== undefined) continue;
      const s = STEADY.has(metric)
        ? sigma / 4
        : key === 'cccd' || key === 'vneid'
          ? sigma / 2
          : sigma;
      multipliers[key] = Math.exp(s * (0.75 * z + 0.66 * rng.normal()));
    }
    const regressing = rng.chance(level === 'commune' ? 0.06 : 0.08);
    return {
      id: c.unit_id,
      size,
      profile: {
        weight: 0,
        multipliers,
        regression: regressing ? { from: rng.int(24, 36), drop: rng.uniform(0.2, 0.35) } : null,
        reliability: rng.uniform(level === 'commune' ? 0.8 : 0.88, 1),
        startsAt: level === 'commune' && rng.chance(0.12) ? rng.int(3, 15) : 0,
        punctuality: rng.uniform(0.6, 0.95),
      },
    };
  });
  const total = raw.reduce((a, r) => a + r.size, 0);
  return new Map(raw.map((r) => [r.id, { ...r.profile, weight: r.size / total }]));
}

/** A child's figures for one month: its share of the parent's, at its own performance. */
function childFigures(
  parent: Figures,
  metrics: readonly string[],
  child: ChildProfile,
  t: number,
  rng: Rng,
  level: Level,
): Figures {
  const sd = level === 'commune' ? 0.08 : 0.05;
  const workload: Record<string, number> = {
    dossiers: 1 + rng.normal(0, sd),
    work: 1 + rng.normal(0, sd),
    medical: 1 + rng.normal(0, sd),
  };
  const slide = child.regression
    ? 1 - child.regression.drop * Math.min(1, Math.max(0, t - child.regression.from) / 8)
    : 1;
  const out: Figures = {};
  for (const metric of MODELLED_METRICS) {
    if (!metrics.includes(metric)) continue;
    let value = parent[metric] * child.weight;
    if (!STOCKS.has(metric)) value *= Math.max(0, workload[WORKLOAD[metric] ?? 'dossiers']);
    const caps = CAPS[metric];
    if (caps) {
      value *= child.multipliers[FAMILY[metric] ?? metric];
      if (FRAGILE.has(metric)) value *= slide;
    }
    let v = Math.round(value);
    for (const cap of caps ?? []) if (out[cap] !== undefined) v = Math.min(v, out[cap]);
    out[metric] = v;
  }
  return out;
}

const sumFigures = (list: Figures[]): Figures => {
  const out: Figures = {};
  for (const f of list) for (const [k, v] of Object.entries(f)) out[k] = (out[k] ?? 0) + v;
  return out;
};

/** A report's arrival: mostly a few days before the due day, sometimes days or weeks late. */
function reportedAt(period: string, dueDay: number, punctuality: number, rng: Rng): string {
  const onTime = rng.chance(punctuality);
  const day = onTime
    ? rng.int(Math.min(4, dueDay - 1), dueDay - 1)
    : rng.int(dueDay + 1, dueDay + 24);
  const date = dayAfterMonth(period, day);
  const hh = String(rng.int(7, 17)).padStart(2, '0');
  const mm = String(rng.int(0, 59)).padStart(2, '0');
  return `${date} ${hh}:${mm}`;
}

export function generateDemo(input: DemoInput, options: DemoOptions): DemoDataset {
  const { seed, until, asOf } = options;
  const months = monthsBetween(FIRST_MONTH, until);
  const T = months.length;
  const known = new Set(input.metrics);
  const metrics = MODELLED_METRICS.filter((m) => known.has(m));
  const byId = new Map(input.units.map((u) => [u.unit_id, u]));

  // the provinces on either side of 1/7/2025, and who became whom
  const provinces = input.units.filter((u) => u.level === 'province');
  const provincesBefore = provinces.filter((u) => validOn(u, LAST_DAY_BEFORE_REFORM));
  const provincesAfter = provinces.filter((u) => validOn(u, REFORM_DATE));
  const successors = new Map<string, string[]>();
  for (const s of input.successions) {
    if (!byId.has(s.from_unit_id) || !byId.has(s.to_unit_id)) continue;
    successors.set(s.from_unit_id, [...(successors.get(s.from_unit_id) ?? []), s.to_unit_id]);
  }
  const predecessors: Record<string, string[]> = {};
  for (const p of provincesBefore) {
    const to = successors.get(p.unit_id) ?? [];
    if (to.length > 1) {
      throw new Error(`demo: ${p.unit_id} is split between ${to.join(', ')}; only whole merges`);
    }
    for (const n of to) (predecessors[n] ??= []).push(p.unit_id);
  }
  for (const n of provincesAfter) {
    if (!predecessors[n.unit_id]?.length) {
      throw new Error(`demo: province ${n.unit_id} has no predecessor in unit_succession`);
    }
  }

  // latent series of every pre-2025 province, over the whole timeline
  const seeded = new Set([...Object.keys(SEED_STORIES), ...DETAIL.map((d) => d.code)]);
  const ordinary = provincesBefore.filter((p) => !seeded.has(p.code)).map((p) => p.unit_id);
  const regressing = new Rng(seed, 'regressing').sample(ordinary, 2);
  const profiles = new Map(
    provincesBefore.map((p) => [
      p.unit_id,
      drawProfile(seed, p.unit_id, p.code, regressing.includes(p.unit_id)),
    ]),
  );
  const latent = new Map<string, Figures[]>();
  for (const [id, profile] of profiles) latent.set(id, latentSeries(seed, profile, T));

  const figures = new Map<string, Figures[]>(latent);
  for (const n of provincesAfter) {
    figures.set(
      n.unit_id,
      months.map((_, t) => sumFigures(predecessors[n.unit_id].map((p) => latent.get(p)![t]))),
    );
  }

  // districts and communes of the seed provinces, where the database has them
  const children = (parentId: string, level: Level) =>
    input.units.filter((u) => u.parent_id === parentId && u.level === level);
  const districts: DemoUnit[] = [];
  const communes: DemoUnit[] = [];
  const childProfiles = new Map<string, ChildProfile>();
  const parentOf = new Map<string, string>();
  const addChildren = (parentId: string, list: DemoUnit[], level: Level) => {
    for (const [id, profile] of drawChildren(seed, list, level)) childProfiles.set(id, profile);
    for (const c of list) parentOf.set(c.unit_id, parentId);
    (level === 'district' ? districts : communes).push(...list);
  };
  for (const spec of DETAIL) {
    const province = provincesBefore.find((p) => p.code === spec.code);
    if (!province) continue;
    const ds = children(province.unit_id, 'district');
    addChildren(province.unit_id, ds, 'district');
    for (const d of ds) {
      if (spec.communesOf.includes(d.code)) {
        addChildren(d.unit_id, children(d.unit_id, 'commune'), 'commune');
      }
    }
  }
  for (const code of DETAIL_AFTER_REFORM) {
    const province = provincesAfter.find((p) => p.code === code);
    if (province) addChildren(province.unit_id, children(province.unit_id, 'commune'), 'commune');
  }
  // parents before children: districts come before their communes in `districts`/`communes`
  for (const c of [...districts, ...communes]) {
    const profile = childProfiles.get(c.unit_id)!;
    const parent = figures.get(parentOf.get(c.unit_id)!)!;
    const rng = new Rng(seed, 'child-flows', c.unit_id);
    const list = c.level === 'district' ? DISTRICT_METRICS : COMMUNE_METRICS;
    const own = list.filter((m) => known.has(m));
    figures.set(
      c.unit_id,
      months.map((_, t) => childFigures(parent[t], own, profile, t, rng, c.level)),
    );
  }

  // which unit-months reach the database, and when
  const absences: Absence[] = [];
  const anomalies: Anomaly[] = [];
  const plan = new Rng(seed, 'plan');
  const lastBefore = Math.min(T, monthIndex('2025-06') + 1) - 1; // last pre-reform month index
  const missing = new Set<string>(); // unit|period
  const kienGiang = provincesBefore.find((p) => p.code === '91');
  const pickMonth = (lo: number, hi: number) => (hi >= lo ? plan.int(lo, hi) : null);
  const missingPicks: Array<[string, number | null]> = [];
  if (kienGiang)
    missingPicks.push([kienGiang.unit_id, pickMonth(24, Math.min(35, lastBefore - 1))]);
  for (const id of plan.sample(ordinary, 2)) missingPicks.push([id, pickMonth(2, lastBefore - 1)]);
  if (provincesAfter.length > 0) {
    missingPicks.push([plan.pick(provincesAfter).unit_id, pickMonth(lastBefore + 3, T - 2)]);
  }
  for (const [id, t] of missingPicks) if (t !== null) missing.add(`${id}|${months[t]}`);

  // outliers and quality warnings in ordinary provinces, corrected or not by the later file (no
  // outlier divides a denominator: that would add numerator-above-denominator warnings)
  // prettier-ignore
  const anomalyPlan: Array<[AnomalyKind, string, (v: number, f: Figures) => number, boolean]> = [
    ['outlier', 'dossiers_received', (v) => v * 10, true], // a zero too many
    ['outlier', 'medical_visits', (v) => v * 10, false],
    ['outlier', 'survey_responses', (v) => v * 10, false],
    ['stock_fall', 'vneid_activated', (v) => Math.round(v / 10), true],
    ['numerator_above_denominator', 'work_records_online', (_, f) => Math.round(f.work_records_total * 1.07), false],
    ['numerator_above_denominator', 'survey_satisfied', (_, f) => f.survey_responses + 37, true],
  ];
  const anomalyAt = new Map<string, number>();
  const lastAnomaly = Math.min(lastBefore - 1, T - 4);
  if (lastAnomaly >= 3) {
    const hosts = plan.sample(
      ordinary.filter((id) => !regressing.includes(id)),
      anomalyPlan.length,
    );
    anomalyPlan.forEach(([kind, metric, make, corrected], i) => {
      const unit = hosts[i];
      const t = plan.int(3, lastAnomaly);
      if (!unit || !known.has(metric) || missing.has(`${unit}|${months[t]}`)) return;
      const f = latent.get(unit)![t];
      const reported = make(f[metric], f);
      anomalies.push({
        kind,
        unit_id: unit,
        period: months[t],
        metric,
        latent: f[metric],
        reported,
        corrected,
      });
      anomalyAt.set(figureKey(unit, months[t], metric), reported);
    });
  }

  const dueDayOf = (id: string): number => {
    for (let u = byId.get(id); u; u = u.parent_id ? byId.get(u.parent_id) : undefined) {
      if (input.dueDays[u.unit_id]) return input.dueDays[u.unit_id];
    }
    return DEFAULT_DUE_DAY;
  };
  const punctualityOf = (id: string) =>
    profiles.get(id)?.punctuality ?? childProfiles.get(id)?.punctuality ?? 0.85;

  const rows: DemoRow[] = [];
  const reportedOn = new Map<string, string>(); // unit|period → reported_at
  const emit = (unit: DemoUnit, series: Figures[], reliability: number, startsAt: number) => {
    const rng = new Rng(seed, 'reports', unit.unit_id);
    const due = dueDayOf(unit.unit_id);
    const punctuality = punctualityOf(unit.unit_id);
    months.forEach((period, t) => {
      if (!validOn(unit, monthEnd(period))) return;
      const at = reportedAt(period, due, punctuality, rng);
      const lost = !rng.chance(reliability) || t < startsAt;
      if (lost || missing.has(`${unit.unit_id}|${period}`)) {
        absences.push({ unit_id: unit.unit_id, period, reason: 'missing' });
        return;
      }
      if (asOf !== null && at.slice(0, 10) > asOf) {
        absences.push({ unit_id: unit.unit_id, period, reason: 'not_yet_reported' });
        return;
      }
      reportedOn.set(`${unit.unit_id}|${period}`, at);
      for (const metric of Object.keys(series[t])) {
        const key = figureKey(unit.unit_id, period, metric);
        rows.push({
          unit_id: unit.unit_id,
          unit_code: unit.code,
          period,
          metric,
          value: anomalyAt.get(key) ?? series[t][metric],
          reported_at: at,
          note: DEMO_NOTE,
        });
      }
    });
  };
  const provinceSeries = (id: string) => {
    const f = figures.get(id)!;
    return f.map((m) => Object.fromEntries(metrics.map((k) => [k, m[k]])));
  };
  for (const p of [...provincesBefore, ...provincesAfter]) emit(p, provinceSeries(p.unit_id), 1, 0);
  for (const c of [...districts, ...communes]) {
    const profile = childProfiles.get(c.unit_id)!;
    emit(c, figures.get(c.unit_id)!, profile.reliability, profile.startsAt);
  }

  // corrections: the anomalies marked corrected, some late additions to flows, and stocks
  // revised up towards the next month's level
  const corrections: DemoRow[] = [];
  const fix = new Rng(seed, 'corrections');
  const taken = new Set(anomalyAt.keys());
  const correct = (unitId: string, period: string, metric: string, value: number) => {
    const first = reportedOn.get(`${unitId}|${period}`);
    if (!first) return false;
    let at = `${addDays(first, fix.int(25, 60))} ${String(fix.int(8, 16)).padStart(2, '0')}:00`;
    if (asOf !== null && at.slice(0, 10) > asOf) at = `${asOf} 08:00`;
    corrections.push({
      unit_id: unitId,
      unit_code: byId.get(unitId)!.code,
      period,
      metric,
      value,
      reported_at: at,
      note: CORRECTION_NOTE,
    });
    taken.add(figureKey(unitId, period, metric));
    return true;
  };
  for (const a of anomalies) if (a.corrected) correct(a.unit_id, a.period, a.metric, a.latent);
  const lastCorrectable = T - 4;
  if (lastCorrectable >= 2) {
    const hcmc = provincesBefore.find((p) => p.code === '79');
    const flowHosts = [...(hcmc ? [hcmc.unit_id] : []), ...fix.sample(ordinary, 6)];
    const flowMetrics = [
      'dossiers_received',
      'work_records_total',
      'payments_total',
      'medical_visits',
    ];
    for (const unitId of flowHosts) {
      const t = fix.int(2, Math.min(lastCorrectable, lastBefore));
      const metric = fix.pick(flowMetrics);
      const key = figureKey(unitId, months[t], metric);
      const v = latent.get(unitId)?.[t]?.[metric];
      if (v === undefined || taken.has(key) || !known.has(metric)) continue;
      correct(unitId, months[t], metric, Math.ceil(v * fix.uniform(1.01, 1.04)));
    }
    for (const unitId of fix.sample(ordinary, 2)) {
      const t = fix.int(2, Math.min(lastCorrectable, lastBefore - 1));
      const f = latent.get(unitId)!;
      const metric = 'cccd_issued';
      const key = figureKey(unitId, months[t], metric);
      if (taken.has(key) || !known.has(metric)) continue;
      const value = Math.min(
        f[t][metric] + Math.floor((f[t + 1][metric] - f[t][metric]) / 2),
        f[t].cccd_applications,
      );
      if (value > f[t][metric]) correct(unitId, months[t], metric, value);
    }
  }

  return {
    options,
    months,
    metrics,
    provincesBefore,
    provincesAfter,
    predecessors,
    districts,
    communes,
    latent,
    figures,
    regressing,
    rows,
    corrections,
    anomalies,
    absences,
  };
}

export interface DemoFile {
  name: string;
  rows: DemoRow[];
}

/**
 * The files the demo sends through the ingest pipeline, in order: the provinces' first reports,
 * the districts' and communes', then the corrections. A figure whose correction the database
 * already holds is written as corrected: re-sending its first report would revert the correction
 * (a new revision), and the demo must change nothing when it runs again. (Three files, not one per
 * year: each ingest has a fixed cost, about 0.3 s with the full unit lists imported.)
 */
export function demoFiles(
  data: DemoDataset,
  corrected: ReadonlySet<string> = new Set(),
): DemoFile[] {
  const fixes = new Map(data.corrections.map((c) => [figureKey(c.unit_id, c.period, c.metric), c]));
  const provinces = new Set(
    [...data.provincesBefore, ...data.provincesAfter].map((u) => u.unit_id),
  );
  const main: DemoRow[] = [];
  const detail: DemoRow[] = [];
  for (const row of data.rows) {
    const key = figureKey(row.unit_id, row.period, row.metric);
    const fix = corrected.has(key) ? fixes.get(key) : undefined;
    (provinces.has(row.unit_id) ? main : detail).push(fix ? { ...row, value: fix.value } : row);
  }
  return [
    { name: 'demo-provinces.csv', rows: main },
    { name: 'demo-districts-communes.csv', rows: detail },
    { name: 'demo-corrections.csv', rows: data.corrections },
  ].filter((f) => f.rows.length > 0);
}

const csvField = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The canonical long layout (DESIGN.md §5). */
export function toCsv(rows: readonly DemoRow[]): string {
  const lines = ['unit_code,period,metric,value,reported_at,note'];
  for (const r of rows) {
    lines.push(
      `${r.unit_code},${r.period},${r.metric},${r.value},${r.reported_at},${csvField(r.note)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
