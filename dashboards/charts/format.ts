// Words and number/date formats the charts print. Words the dashboards already have come from
// dashboards/i18n (one source of truth); the few that only charts use live here; a page may
// override any of them through a builder's `labels` option.
import { words as makeWords, type Key, type Lang, type Words } from '../i18n/index.ts';

export type { Lang };

/**
 * Chart text on a projector (issue 15.6): 14 px in the chart's own units, and charts drawn about as
 * wide as the page's main column (960 units) so that scaling the svg to its container (render/
 * plot.ts) keeps the text at 14 px or more on a 1280 × 720 screen. CHAR is the room a character
 * of that size takes, for margins sized to labels.
 */
export const CHART_FONT = 14;
export const CHART_STYLE = { fontSize: `${CHART_FONT}px` } as const;
export const CHAR = 8.4;
export const CHART_WIDTH = 960;

/** What an indicator counts: percent indicators are 0–100 (DESIGN.md §5). */
export type ValueUnit = 'percent' | 'count';

export interface ChartLabels {
  noData: string;
  actual: string;
  reconstructed: string;
  target: string;
  baseline: string;
  expected: string;
  projected: string;
  forecastOn: string;
  today: string;
  /** with {pct} */
  coverageOf: string;
  reportingOnTime: string;
  reportingLate: string;
  reportingMissing: string;
  reportingNotDue: string;
  taskDone: string;
  taskOverdue: string;
  taskUpcoming: string;
  taskCancelled: string;
  /** a task without a lead agency (or group) */
  unassigned: string;
  /** with {n}: tasks left off the timeline because their deadline has no date */
  undated: string;
  unit: string;
  period: string;
  tasks: string;
  reporting: string;
  ranking: string;
}

/** Words the dashboards' dictionaries already hold, by the key they hold them under. */
const SHARED = {
  noData: 'no_data',
  actual: 'actual',
  reconstructed: 'reconstructed',
  target: 'target',
  baseline: 'baseline',
  expected: 'expected',
  projected: 'projected',
  forecastOn: 'forecast_on',
  coverageOf: 'coverage_of',
  reportingOnTime: 'reporting_on_time',
  reportingLate: 'reporting_late',
  reportingMissing: 'reporting_missing',
  reportingNotDue: 'reporting_not_due',
  taskOverdue: 'overdue',
  unit: 'unit',
  period: 'period',
  tasks: 'tasks',
  reporting: 'reporting',
  ranking: 'ranking',
} as const satisfies Partial<Record<keyof ChartLabels, Key>>;

/** Words only charts use. */
const OWN: Record<Lang, Omit<ChartLabels, keyof typeof SHARED>> = {
  vi: {
    today: 'Hôm nay',
    taskDone: 'Đã hoàn thành',
    taskUpcoming: 'Chưa đến hạn',
    taskCancelled: 'Đã hủy',
    unassigned: '(chưa rõ cơ quan)',
    undated: '{n} nhiệm vụ không có hạn cụ thể không được vẽ',
  },
  en: {
    today: 'Today',
    taskDone: 'Done',
    taskUpcoming: 'Upcoming',
    taskCancelled: 'Cancelled',
    unassigned: '(no lead agency)',
    undated: '{n} tasks without a dated deadline are not drawn',
  },
};

// One Words per language for every chart: building one makes Intl formatters, which cost more than
// drawing a sparkline (a profile of the overview page found a third of its render time there).
const WORDS = new Map<Lang, Words>();
export function chartWords(lang: Lang): Words {
  let w = WORDS.get(lang);
  if (!w) WORDS.set(lang, (w = makeWords(lang)));
  return w;
}

export function chartLabels(lang: Lang, overrides?: Partial<ChartLabels>): ChartLabels {
  const w = chartWords(lang);
  const shared = Object.fromEntries(
    Object.entries(SHARED).map(([name, key]) => [name, w.t(key)]),
  ) as Pick<ChartLabels, keyof typeof SHARED>;
  return { ...shared, ...OWN[lang], ...overrides };
}

/** Fill `{name}` placeholders. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) =>
    name in values ? String(values[name]) : m,
  );
}

export interface Formats {
  lang: Lang;
  /** a value in full: 85,5% / 1.234.567 */
  value(v: number | null | undefined): string;
  /** an axis tick: 80% / 1,2 Tr (vi) · 1.2M (en) */
  tick(v: number): string;
  /** a share 0–1 as a percent: 80% */
  share(v: number | null | undefined): string;
  /** an ISO date: 31/12/2025 / 31 Dec 2025 */
  date(iso: string | null | undefined): string;
  /** a period as words: Quý IV/2025 / Q4 2025 */
  period(p: string): string;
  status(id: string | null | undefined): { word: string; icon: string; id: string };
}

const FORMATS = new Map<string, Formats>();

export function formats(lang: Lang, unit: ValueUnit = 'percent'): Formats {
  const key = `${lang}:${unit}`;
  let kept = FORMATS.get(key);
  if (!kept) FORMATS.set(key, (kept = makeFormats(lang, unit)));
  return kept;
}

function makeFormats(lang: Lang, unit: ValueUnit): Formats {
  const w = chartWords(lang);
  const compact = new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', {
    notation: 'compact',
    maximumFractionDigits: 1,
  });
  return {
    lang,
    value: (v) => (unit === 'percent' ? w.pct(v) : w.int(v)),
    tick: unit === 'percent' ? (v) => `${w.num(v, 0)}%` : (v) => compact.format(v),
    share: (v) => w.pct(v === null || v === undefined ? v : v * 100, 0),
    date: (iso) => w.date(iso),
    period: (p) => w.period(p),
    status: (id) => w.status(id),
  };
}

const MONTHS_EN = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');

/** A time-axis tick: the year on January, else the month (T4 / Apr). */
export function monthTick(lang: Lang): (d: Date) => string {
  return function monthTick(d: Date) {
    const m = d.getUTCMonth();
    if (m === 0) return String(d.getUTCFullYear());
    return lang === 'vi' ? `T${m + 1}` : MONTHS_EN[m];
  };
}

/** A short column label for a reporting period: 01/24, Q1/24, 2024. */
export function shortPeriod(period: string): string {
  const m = /^(\d{2})(\d{2})-(Q[1-4]|\d{2})$/.exec(period);
  return m ? `${m[3]}/${m[2]}` : period;
}
