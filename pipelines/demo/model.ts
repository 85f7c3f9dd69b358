// The latent (true) monthly figures of one pre-2025 province: a profile drawn from the seed, then
// every catalogue metric month by month. Stocks are products of growing drivers and rising
// S-curves, so they never fall; flows are volumes × seasonality × noise with rates applied.
import { Rng } from './random.ts';
import { monthAt, monthIndex, seasonality } from './calendar.ts';

/** metric → whole, non-negative count */
export type Figures = Record<string, number>;

/** The shares and rates the figures are made of; every one moves along an S-curve. */
export const RATES = [
  'cccdApply', // cccd_applications / cccd_eligible
  'cccdIssue', // cccd_issued / cccd_applications
  'vneidRegister', // vneid_registered / cccd_eligible
  'vneidActivate', // vneid_activated / vneid_registered
  'vneidL2', // vneid_l2_activated / vneid_activated
  'tthcFull', // tthc_online_full / tthc_eligible_full
  'tthcPartial', // tthc_online_partial / tthc_total
  'tthcPayment', // tthc_online_payment / tthc_with_fees
  'forms', // forms_standardized / forms_total
  'cashless', // social_beneficiaries_cashless / social_beneficiaries
  'dossierOnline', // dossiers_online / dossiers_received
  'digitized', // dossiers_digitized / dossiers_received
  'electronicResult', // results_electronic / dossiers_received
  'onTime', // dossiers_on_time / dossiers_received
  'workOnline', // work_records_online / work_records_total
  'satisfied', // survey_satisfied / survey_responses
  'paymentOnline', // payments_online / payments_total
  'medicalCccd', // medical_visits_cccd / medical_visits
] as const;
export type RateKey = (typeof RATES)[number];

interface RateRange {
  /** value in January 2022 */
  start: [number, number];
  /** plateau, reached around 2024–2025; a province's quality decides where in the range */
  end: [number, number];
  /** flows get month-to-month noise; stocks must not (they may not fall) */
  flow: boolean;
}

const RANGES: Record<RateKey, RateRange> = {
  cccdApply: { start: [0.66, 0.78], end: [0.972, 0.99], flow: false },
  cccdIssue: { start: [0.88, 0.94], end: [0.985, 0.997], flow: false },
  vneidRegister: { start: [0.02, 0.06], end: [0.62, 0.9], flow: false },
  vneidActivate: { start: [0.45, 0.6], end: [0.82, 0.95], flow: false },
  vneidL2: { start: [0.15, 0.3], end: [0.8, 0.93], flow: false },
  tthcFull: { start: [0.15, 0.3], end: [0.62, 1], flow: false },
  tthcPartial: { start: [0.12, 0.2], end: [0.25, 0.35], flow: false },
  tthcPayment: { start: [0.05, 0.15], end: [0.55, 0.95], flow: false },
  forms: { start: [0.02, 0.08], end: [0.3, 0.7], flow: false },
  cashless: { start: [0.08, 0.2], end: [0.35, 0.75], flow: false },
  dossierOnline: { start: [0.08, 0.18], end: [0.3, 0.75], flow: true },
  digitized: { start: [0.03, 0.1], end: [0.5, 0.9], flow: true },
  electronicResult: { start: [0.03, 0.1], end: [0.4, 0.85], flow: true },
  onTime: { start: [0.9, 0.95], end: [0.965, 0.995], flow: true },
  workOnline: { start: [0.25, 0.45], end: [0.7, 0.97], flow: true },
  satisfied: { start: [0.8, 0.86], end: [0.86, 0.96], flow: true },
  paymentOnline: { start: [0.03, 0.1], end: [0.2, 0.6], flow: true },
  medicalCccd: { start: [0, 0.02], end: [0.5, 0.9], flow: true },
};

/** The rates a falling-behind unit loses first: what depends on staff and systems, not on cards. */
export const FRAGILE_RATES: readonly RateKey[] = [
  'dossierOnline',
  'digitized',
  'electronicResult',
  'workOnline',
  'paymentOnline',
];

export interface Curve {
  start: number;
  end: number;
  /** month index (0 = 2022-01) of the steepest rise */
  mid: number;
  /** months; smaller is steeper */
  width: number;
}

export interface Regression {
  rates: readonly RateKey[];
  /** month index from which the rates slide */
  from: number;
  /** share of the rate lost once the slide is complete */
  drop: number;
  /** months the slide takes */
  over: number;
}

export interface ProvinceProfile {
  unitId: string;
  code: string;
  /** population in January 2022 */
  population: number;
  /** yearly growth (never negative: population is a stock that must not fall here) */
  growth: number;
  eligibleShare: number;
  tthcBase: number;
  /** procedures added to the list at month index `at` */
  tthcSteps: Array<{ at: number; add: number }>;
  eligibleFullShare: number;
  feeShare: number;
  formsPerTthc: number;
  socialShare: number;
  dossiersPerCapita: number;
  workRecordsPerCapita: number;
  surveyShare: number;
  paymentShare: number;
  medicalPerCapita: number;
  curves: Record<RateKey, Curve>;
  regression: Regression | null;
  /** share of months it reports before the due day */
  punctuality: number;
}

/**
 * Populations in January 2022, thousands (rounded published estimates, old province codes): they
 * make the country's totals and each province's share look right. Unknown codes draw a size.
 */
// prettier-ignore
const POPULATION_K: Record<string, number> = {
  '01': 8435, '02': 899, '04': 543, '06': 323, '08': 805, '10': 770, '11': 636, '12': 478,
  '14': 1284, '15': 838, '17': 875, '19': 1335, '20': 802, '22': 1362, '24': 1922, '25': 1511,
  '26': 1197, '27': 1488, '30': 1936, '31': 2088, '33': 1290, '34': 1879, '35': 878, '36': 1876,
  '37': 1010, '38': 3722, '40': 3442, '42': 1323, '44': 913, '45': 650, '46': 1160, '48': 1220,
  '49': 1519, '51': 1245, '52': 1505, '54': 877, '56': 1253, '58': 599, '60': 1252, '62': 580,
  '64': 1591, '66': 1918, '67': 671, '68': 1332, '70': 1032, '72': 1188, '74': 2764, '75': 3255,
  '77': 1178, '79': 9389, '80': 1728, '82': 1790, '83': 1299, '84': 1019, '86': 1029, '87': 1600,
  '89': 1905, '91': 1751, '92': 1253, '93': 733, '94': 1200, '95': 921, '96': 1207,
};

export interface SeedStory {
  /** plateau values (and optionally the month of steepest rise) that set the plan's story */
  curves?: Partial<Record<RateKey, { end: number; mid?: number }>>;
  regression?: { rates: readonly RateKey[]; from: string; drop: number; over: number };
  punctuality?: number;
}

/**
 * The seed plans' provinces, so their targets tell different stories (statuses as of the plans'
 * deadlines): HCMC 2024 meets digitisation, online payment, satisfaction and cashless targets,
 * is behind on standardised forms and regresses on medical visits with CCCD; Bà Rịa–Vũng Tàu
 * 2024 meets its 90% work-records and 50% forms targets, is just short on satisfaction (~88%)
 * and fully online procedures (~96%); Kiên Giang passes 500k VNeID accounts in 2024, ahead of
 * its 2025 deadline, but stays under 90% of work records online and 100% fully online
 * procedures. CCCD coverage approaches but never reaches 100% anywhere.
 */
export const SEED_STORIES: Record<string, SeedStory> = {
  '79': {
    curves: {
      digitized: { end: 0.9, mid: 16 },
      tthcPayment: { end: 0.88, mid: 16 },
      paymentOnline: { end: 0.38, mid: 18 },
      forms: { end: 0.42 },
      satisfied: { end: 0.935, mid: 14 },
      cashless: { end: 0.62, mid: 16 },
      medicalCccd: { end: 0.74, mid: 14 },
      cccdApply: { end: 0.985 },
    },
    regression: { rates: ['medicalCccd'], from: '2024-03', drop: 0.3, over: 10 },
    punctuality: 0.9,
  },
  '77': {
    curves: {
      workOnline: { end: 0.945, mid: 14 },
      forms: { end: 0.57, mid: 18 },
      satisfied: { end: 0.885 },
      tthcFull: { end: 0.965, mid: 18 },
    },
    punctuality: 0.85,
  },
  '91': {
    curves: {
      tthcFull: { end: 0.93 },
      satisfied: { end: 0.93, mid: 16 },
      workOnline: { end: 0.86, mid: 18 },
      vneidRegister: { end: 0.64, mid: 22 },
      vneidActivate: { end: 0.86 },
    },
    punctuality: 0.8,
  },
};

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const logistic = (x: number) => 1 / (1 + Math.exp(-x));

export function curveAt(c: Curve, t: number): number {
  return c.start + (c.end - c.start) * logistic((t - c.mid) / c.width);
}

export function regressionAt(r: Regression | null, rate: RateKey, t: number): number {
  if (r === null || !r.rates.includes(rate) || t <= r.from) return 1;
  return 1 - r.drop * Math.min(1, (t - r.from) / r.over);
}

/** Draws a province's profile; `regressing` makes its fragile rates slide from late 2024. */
export function drawProfile(
  seed: number,
  unitId: string,
  code: string,
  regressing: boolean,
): ProvinceProfile {
  const rng = new Rng(seed, 'profile', unitId);
  const story = SEED_STORIES[code] ?? {};
  const quality = rng.random();
  const curves = {} as Record<RateKey, Curve>;
  for (const key of RATES) {
    const r = RANGES[key];
    const q = clamp(quality + rng.normal(0, 0.15), 0, 1);
    const override = story.curves?.[key];
    curves[key] = {
      start: rng.uniform(r.start[0], r.start[1]),
      end: override?.end ?? r.end[0] + (r.end[1] - r.end[0]) * q,
      mid: override?.mid ?? rng.uniform(12, 24),
      width: rng.uniform(3.5, 6),
    };
  }
  const populationK = POPULATION_K[code] ?? rng.uniform(500, 2000);
  const tthcSteps = Array.from({ length: rng.int(3, 6) }, () => ({
    at: rng.int(1, 58),
    add: rng.int(5, 40),
  }));
  let regression: Regression | null = null;
  if (story.regression) {
    const { rates, from, drop, over } = story.regression;
    regression = { rates, from: monthIndex(from), drop, over };
  } else if (regressing) {
    regression = {
      rates: FRAGILE_RATES,
      from: rng.int(30, 36),
      drop: rng.uniform(0.2, 0.3),
      over: 9,
    };
  }
  return {
    unitId,
    code,
    population: Math.round(populationK * 1000 * rng.uniform(0.995, 1.005)),
    growth: rng.uniform(0.002, 0.018),
    eligibleShare: rng.uniform(0.74, 0.8),
    tthcBase: rng.int(1750, 2050),
    tthcSteps,
    eligibleFullShare: rng.uniform(0.45, 0.55),
    feeShare: rng.uniform(0.3, 0.4),
    formsPerTthc: rng.uniform(1.1, 1.3),
    socialShare: rng.uniform(0.02, 0.04),
    dossiersPerCapita: rng.uniform(0.01, 0.016),
    workRecordsPerCapita: rng.uniform(0.002, 0.004),
    surveyShare: rng.uniform(0.05, 0.12),
    paymentShare: rng.uniform(0.3, 0.45),
    medicalPerCapita: rng.uniform(0.11, 0.16),
    curves,
    regression,
    punctuality: story.punctuality ?? rng.uniform(0.72, 0.97),
  };
}

/**
 * The province's figures for `months` months from 2022-01, in order (flow noise is drawn month by
 * month, so a longer timeline extends a shorter one without changing it).
 */
export function latentSeries(seed: number, p: ProvinceProfile, months: number): Figures[] {
  const rng = new Rng(seed, 'flows', p.unitId);
  const out: Figures[] = [];
  for (let t = 0; t < months; t++) {
    const rate = (key: RateKey) => {
      const base = curveAt(p.curves[key], t) * regressionAt(p.regression, key, t);
      if (!RANGES[key].flow) return clamp(base, 0, 1);
      const sd = key === 'onTime' || key === 'satisfied' ? 0.004 : 0.012;
      return clamp(base * (1 + rng.normal(0, sd)), 0, 0.998);
    };
    const volume = () =>
      seasonality(monthAt(t)) * (1 + 0.04 * (t / 12)) * (1 + rng.normal(0, 0.04));
    const population = p.population * (1 + p.growth) ** (t / 12);
    const f: Figures = {};
    f.population = Math.round(population);
    f.cccd_eligible = Math.round(population * p.eligibleShare);
    f.cccd_applications = Math.round(f.cccd_eligible * rate('cccdApply'));
    f.cccd_issued = Math.round(f.cccd_applications * rate('cccdIssue'));
    f.vneid_registered = Math.round(f.cccd_eligible * rate('vneidRegister'));
    f.vneid_activated = Math.round(f.vneid_registered * rate('vneidActivate'));
    f.vneid_l2_activated = Math.round(f.vneid_activated * rate('vneidL2'));
    f.tthc_total = p.tthcBase + p.tthcSteps.filter((s) => s.at <= t).reduce((a, s) => a + s.add, 0);
    f.tthc_eligible_full = Math.round(f.tthc_total * p.eligibleFullShare);
    f.tthc_online_full = Math.round(f.tthc_eligible_full * rate('tthcFull'));
    f.tthc_online_partial = Math.round(f.tthc_total * rate('tthcPartial'));
    f.tthc_with_fees = Math.round(f.tthc_total * p.feeShare);
    f.tthc_online_payment = Math.round(f.tthc_with_fees * rate('tthcPayment'));
    f.forms_total = Math.round(f.tthc_total * p.formsPerTthc);
    f.forms_standardized = Math.round(f.forms_total * rate('forms'));
    f.social_beneficiaries = Math.round(population * p.socialShare);
    f.social_beneficiaries_cashless = Math.round(f.social_beneficiaries * rate('cashless'));
    f.dossiers_received = Math.round(population * p.dossiersPerCapita * volume());
    f.dossiers_online = Math.round(f.dossiers_received * rate('dossierOnline'));
    f.dossiers_digitized = Math.round(f.dossiers_received * rate('digitized'));
    f.results_electronic = Math.round(f.dossiers_received * rate('electronicResult'));
    f.dossiers_on_time = Math.round(f.dossiers_received * rate('onTime'));
    f.work_records_total = Math.round(population * p.workRecordsPerCapita * volume());
    f.work_records_online = Math.round(f.work_records_total * rate('workOnline'));
    f.survey_responses = Math.round(
      f.dossiers_received * p.surveyShare * (1 + rng.normal(0, 0.05)),
    );
    f.survey_satisfied = Math.round(f.survey_responses * rate('satisfied'));
    f.payments_total = Math.round(f.dossiers_received * p.paymentShare * (1 + rng.normal(0, 0.03)));
    f.payments_online = Math.round(f.payments_total * rate('paymentOnline'));
    f.medical_visits = Math.round(population * p.medicalPerCapita * volume());
    f.medical_visits_cccd = Math.round(f.medical_visits * rate('medicalCccd'));
    out.push(f);
  }
  return out;
}

/** Every metric the model produces, in the order it derives them (a numerator after its base). */
export const MODELLED_METRICS: readonly string[] = [
  'population',
  'cccd_eligible',
  'cccd_applications',
  'cccd_issued',
  'vneid_registered',
  'vneid_activated',
  'vneid_l2_activated',
  'tthc_total',
  'tthc_eligible_full',
  'tthc_online_full',
  'tthc_online_partial',
  'tthc_with_fees',
  'tthc_online_payment',
  'forms_total',
  'forms_standardized',
  'social_beneficiaries',
  'social_beneficiaries_cashless',
  'dossiers_received',
  'dossiers_online',
  'dossiers_digitized',
  'results_electronic',
  'dossiers_on_time',
  'work_records_total',
  'work_records_online',
  'survey_responses',
  'survey_satisfied',
  'payments_total',
  'payments_online',
  'medical_visits',
  'medical_visits_cccd',
];

/** Stocks: levels that never fall in the model (the catalogue's kind: stock). */
export const STOCKS: ReadonlySet<string> = new Set(MODELLED_METRICS.slice(0, 17));
