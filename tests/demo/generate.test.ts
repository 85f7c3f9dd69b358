// The demo generator as a pure function: deterministic, complete, continuous across the reform,
// and plausible (stocks rise, numerators stay under denominators but for the marked cases).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadCatalogue } from '../../indicators/catalogue/load.ts';
import {
  CORRECTION_NOTE,
  DEFAULT_SEED,
  DEMO_NOTE,
  demoFiles,
  figureKey,
  generateDemo,
  toCsv,
  type DemoDataset,
  type DemoRow,
} from '../../pipelines/demo/generate.ts';
import { builtinInput } from './input.ts';
import { MODELLED_METRICS } from '../../pipelines/demo/model.ts';
import { lastFullMonth, monthsBetween, seasonality } from '../../pipelines/demo/calendar.ts';
import { mulberry32 } from '../../pipelines/demo/random.ts';

const catalogue = loadCatalogue();
const STOCKS = new Set(catalogue.metrics.filter((m) => m.kind === 'stock').map((m) => m.id));
const PAIRS = catalogue.indicators
  .filter((i) => i.denominator !== null)
  .map((i) => [i.numerator, i.denominator!] as const);

const UNTIL = '2025-12';
const input = builtinInput();
const data = generateDemo(input, { seed: DEFAULT_SEED, until: UNTIL, asOf: null });

/** unit → period → metric → value, from the rows as first reported */
function byUnit(rows: DemoRow[]): Map<string, Map<string, Record<string, number>>> {
  const out = new Map<string, Map<string, Record<string, number>>>();
  for (const r of rows) {
    if (!out.has(r.unit_id)) out.set(r.unit_id, new Map());
    const months = out.get(r.unit_id)!;
    if (!months.has(r.period)) months.set(r.period, {});
    months.get(r.period)![r.metric] = r.value;
  }
  return out;
}

function marked(d: DemoDataset, kind: string): Set<string> {
  return new Set(
    d.anomalies.filter((a) => a.kind === kind).map((a) => figureKey(a.unit_id, a.period, a.metric)),
  );
}

/** every (unit, period, metric) where a stock is below its previous reported level */
function stockFalls(rows: DemoRow[]): string[] {
  const falls: string[] = [];
  for (const [unit, months] of byUnit(rows)) {
    const last: Record<string, number> = {};
    for (const period of [...months.keys()].sort()) {
      for (const [metric, value] of Object.entries(months.get(period)!)) {
        if (!STOCKS.has(metric)) continue;
        if (last[metric] !== undefined && value < last[metric]) {
          falls.push(figureKey(unit, period, metric));
        }
        last[metric] = value;
      }
    }
  }
  return falls;
}

function ratioBreaches(rows: DemoRow[]): string[] {
  const out: string[] = [];
  for (const [unit, months] of byUnit(rows)) {
    for (const [period, f] of months) {
      for (const [num, den] of PAIRS) {
        if (f[num] !== undefined && f[den] !== undefined && f[num] > f[den]) {
          out.push(figureKey(unit, period, num));
        }
      }
    }
  }
  return out;
}

describe('mulberry32 and the calendar', () => {
  it('is a deterministic generator in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(xs).size).toBe(1000);
  });

  it('takes the last full month and dips at Tết', () => {
    expect(lastFullMonth('2026-11-23')).toBe('2026-10');
    expect(lastFullMonth('2026-01-01')).toBe('2025-12');
    expect(seasonality('2024-02')).toBeLessThan(0.8); // Tết on 10/2/2024
    expect(seasonality('2023-01')).toBeLessThan(0.9); // Tết on 22/1/2023
    expect(seasonality('2024-05')).toBe(1);
  });
});

describe('generateDemo', () => {
  it('is deterministic: the same seed gives the same dataset, another seed another', () => {
    const again = generateDemo(builtinInput(), { seed: DEFAULT_SEED, until: UNTIL, asOf: null });
    expect(again.rows).toEqual(data.rows);
    expect(again.corrections).toEqual(data.corrections);
    expect(demoFiles(again).map((f) => toCsv(f.rows))).toEqual(
      demoFiles(data).map((f) => toCsv(f.rows)),
    );
    const other = generateDemo(input, { seed: DEFAULT_SEED + 1, until: UNTIL, asOf: null });
    expect(other.rows.slice(0, 50)).not.toEqual(data.rows.slice(0, 50));
  });

  it('extends a shorter timeline without changing it', () => {
    const short = generateDemo(input, { seed: DEFAULT_SEED, until: '2024-06', asOf: null });
    for (const [unit, series] of short.latent) {
      expect(series).toEqual(data.latent.get(unit)!.slice(0, series.length));
    }
  });

  it('covers every modelled metric and every month for the provinces, but for a few missing reports', () => {
    // the demo models the contract's 30 metrics (DESIGN.md §5); the catalogue's later metrics
    // (and plans' declared ones) have no synthetic series and show "no data" in the demo
    expect(data.metrics.slice().sort()).toEqual([...MODELLED_METRICS].sort());
    const catalogued = new Set(catalogue.metrics.map((m) => m.id));
    expect(MODELLED_METRICS.filter((m) => !catalogued.has(m))).toEqual([]);
    expect(data.provincesBefore).toHaveLength(63);
    expect(data.provincesAfter).toHaveLength(34);
    expect(data.districts).toHaveLength(0); // the built-in list has provinces only
    const missing = new Set(data.absences.map((a) => `${a.unit_id}|${a.period}`));
    expect(data.absences.every((a) => a.reason === 'missing')).toBe(true);
    expect(data.absences.length).toBeGreaterThanOrEqual(2);
    expect(data.absences.length).toBeLessThanOrEqual(4);
    const units = byUnit(data.rows);
    const months = monthsBetween('2022-01', UNTIL);
    for (const period of months) {
      const provinces = period <= '2025-06' ? data.provincesBefore : data.provincesAfter;
      for (const p of provinces) {
        if (missing.has(`${p.unit_id}|${period}`)) {
          expect(units.get(p.unit_id)?.get(period)).toBeUndefined();
          continue;
        }
        expect(Object.keys(units.get(p.unit_id)!.get(period)!).sort()).toEqual(
          data.metrics.slice().sort(),
        );
      }
    }
    expect(units.has('VN')).toBe(false); // the country is aggregated, never reported
  });

  it('gives whole, non-negative counts labelled as synthetic', () => {
    expect(data.rows.every((r) => Number.isInteger(r.value) && r.value >= 0)).toBe(true);
    expect(data.rows.every((r) => r.note === DEMO_NOTE)).toBe(true);
    expect(data.corrections.every((r) => r.note === CORRECTION_NOTE)).toBe(true);
    expect(CORRECTION_NOTE.startsWith(DEMO_NOTE)).toBe(true);
    const files = demoFiles(data);
    expect(files.map((f) => f.name)).toEqual(['demo-provinces.csv', 'demo-corrections.csv']);
    const csv = toCsv(files[0].rows).split('\n');
    expect(csv[0]).toBe('unit_code,period,metric,value,reported_at,note');
    expect(csv[1]).toMatch(/^01,2022-01,population,\d+,2022-02-\d\d \d\d:\d\d,dữ liệu mô phỏng/);
  });

  it('makes a new province report the sum of its predecessors (continuity at 7/2025)', () => {
    const units = byUnit(data.rows);
    const t = monthsBetween('2022-01', '2025-07').length - 1;
    for (const n of data.provincesAfter) {
      const reported = units.get(n.unit_id)!.get('2025-07')!;
      const preds = data.predecessors[n.unit_id];
      expect(preds.length).toBeGreaterThan(0);
      for (const metric of data.metrics) {
        const sum = preds.reduce((a, p) => a + data.latent.get(p)![t][metric], 0);
        expect(reported[metric], `${n.unit_id} ${metric}`).toBe(sum);
        if (STOCKS.has(metric)) {
          const before = preds.reduce((a, p) => a + data.latent.get(p)![t - 1][metric], 0);
          expect(reported[metric]).toBeGreaterThanOrEqual(before);
          expect(reported[metric]).toBeLessThanOrEqual(before * 1.03 + 5);
        }
      }
    }
    // Kiên Giang (91) and An Giang (89) became An Giang (91 from 7/2025)
    expect(data.predecessors['p91@2025-07-01'].sort()).toEqual(['p89', 'p91']);
  });

  it('keeps stocks rising and numerators under denominators, but for the marked cases', () => {
    expect(new Set(stockFalls(data.rows))).toEqual(marked(data, 'stock_fall'));
    expect(marked(data, 'stock_fall').size).toBe(1);
    expect(new Set(ratioBreaches(data.rows))).toEqual(marked(data, 'numerator_above_denominator'));
    expect(marked(data, 'numerator_above_denominator').size).toBe(2);
    expect(marked(data, 'outlier').size).toBeGreaterThanOrEqual(2);
    // the corrections fix the fall and add no new problem
    const corrected = demoFiles(
      data,
      new Set(data.corrections.map((c) => figureKey(c.unit_id, c.period, c.metric))),
    ).flatMap((f) => (f.name === 'demo-corrections.csv' ? [] : f.rows));
    expect(stockFalls(corrected)).toEqual([]);
    expect(ratioBreaches(corrected).length).toBe(1);
  });

  it('holds its laws for any seed (stocks, ratios, whole counts)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        const d = generateDemo(input, { seed, until: '2025-09', asOf: null });
        expect(new Set(stockFalls(d.rows))).toEqual(marked(d, 'stock_fall'));
        expect(new Set(ratioBreaches(d.rows))).toEqual(marked(d, 'numerator_above_denominator'));
        expect(d.rows.every((r) => Number.isInteger(r.value) && r.value >= 0)).toBe(true);
      }),
      { numRuns: 4 },
    );
  });

  it('has corrections that are real revisions of reported figures', () => {
    expect(data.corrections.length).toBeGreaterThanOrEqual(8);
    const first = new Map(data.rows.map((r) => [figureKey(r.unit_id, r.period, r.metric), r]));
    for (const c of data.corrections) {
      const original = first.get(figureKey(c.unit_id, c.period, c.metric));
      expect(original).toBeDefined();
      expect(c.value).not.toBe(original!.value);
      expect(c.reported_at > original!.reported_at).toBe(true);
    }
    // one of them in a seed province, so the demo shows a revision where people look
    expect(data.corrections.some((c) => c.unit_id === 'p79')).toBe(true);
  });

  it('tells the seed plans different stories', () => {
    const units = byUnit(data.rows);
    const rate = (unit: string, period: string, num: string, den: string) => {
      const f = units.get(unit)!.get(period)!;
      return f[num] / f[den];
    };
    // Kiên Giang passes 500k VNeID accounts before its 2025 deadline (on track)
    const kg = units.get('p91')!;
    expect(kg.get('2025-06')!.vneid_activated).toBeGreaterThan(500_000);
    expect(kg.get('2023-01')!.vneid_activated).toBeLessThan(500_000);
    // … but stays under 90% of work records online
    expect(rate('p91', '2025-06', 'work_records_online', 'work_records_total')).toBeLessThan(0.9);
    // HCMC regresses on medical visits with CCCD during 2024, meets its 80% digitisation target
    expect(rate('p79', '2024-12', 'medical_visits_cccd', 'medical_visits')).toBeLessThan(
      rate('p79', '2024-01', 'medical_visits_cccd', 'medical_visits') - 0.05,
    );
    expect(rate('p79', '2024-12', 'dossiers_digitized', 'dossiers_received')).toBeGreaterThan(0.8);
    // Bà Rịa–Vũng Tàu meets 90% of work records online in 2024
    expect(rate('p77', '2024-12', 'work_records_online', 'work_records_total')).toBeGreaterThan(
      0.9,
    );
    // nobody reaches 100% CCCD coverage; two ordinary provinces regress
    expect(rate('p79', '2024-12', 'cccd_issued', 'cccd_eligible')).toBeLessThan(1);
    expect(data.regressing).toHaveLength(2);
    for (const id of data.regressing) {
      expect(rate(id, '2025-06', 'dossiers_online', 'dossiers_received')).toBeLessThan(
        rate(id, '2024-06', 'dossiers_online', 'dossiers_received'),
      );
    }
  });

  it('dips at Tết: the country receives fewer dossiers in the Tết month', () => {
    const total = (period: string) =>
      data.rows
        .filter((r) => r.period === period && r.metric === 'dossiers_received')
        .reduce((a, r) => a + r.value, 0);
    expect(total('2024-02')).toBeLessThan(0.85 * total('2024-01'));
    expect(total('2024-02')).toBeLessThan(0.85 * total('2024-03'));
  });

  it('reports mostly before the due day, some late, never before the month ends', () => {
    const firsts = new Map<string, { period: string; at: string }>();
    for (const r of data.rows) {
      firsts.set(`${r.unit_id}|${r.period}`, { period: r.period, at: r.reported_at });
    }
    let late = 0;
    for (const [key, { period, at }] of firsts) {
      const unit = key.split('|')[0];
      const due = unit === 'p79' ? 15 : unit === 'p77' ? 18 : 20;
      const [y, m] = period.split('-').map(Number);
      const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
      expect(at > `${next}-01`).toBe(true);
      if (at.slice(0, 10) > `${next}-${String(due).padStart(2, '0')}`) late++;
    }
    expect(late).toBeGreaterThan(0.03 * firsts.size);
    expect(late).toBeLessThan(0.3 * firsts.size);
  });

  it('leaves out reports that have not arrived by the day it runs', () => {
    const d = generateDemo(input, { seed: DEFAULT_SEED, until: UNTIL, asOf: '2026-01-12' });
    const pending = d.absences.filter((a) => a.reason === 'not_yet_reported');
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((a) => a.period >= '2025-11')).toBe(true);
    expect(pending.some((a) => a.period === '2025-12')).toBe(true);
    expect(d.rows.every((r) => r.reported_at.slice(0, 10) <= '2026-01-12')).toBe(true);
  });
});
