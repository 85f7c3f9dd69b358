// The one vocabulary for what a target's state is, in Vietnamese and English, with its icon and
// colour (colour-blind safe: a state is never shown by colour alone). Every page, the quarterly
// pack, the charts and the API take their words from here (issue 15.1), so "no target binds",
// "not started yet", "no figure this period" and the engine's verdicts can never share a word.
//
// STATUS_LABELS: the engine's statuses (indicators/compute/status.ts) as the CLI prints them.
// DISPLAY_STATES / displayState(): what a reader is shown for (indicator, unit, period): the
// engine's verdict only when the unit has a figure in the period and a target binds then.
import { STATUSES, type Status } from '../compute/status.ts';

export const STATUS_LABELS: Record<string, { vi: string; en: string; icon: string; ansi: string }> =
  {
    achieved: { vi: 'Đạt', en: 'Achieved', icon: '✔', ansi: '\u001b[32m' },
    on_track: { vi: 'Đúng tiến độ', en: 'On track', icon: '▲', ansi: '\u001b[32m' },
    at_risk: { vi: 'Có nguy cơ chậm', en: 'At risk', icon: '!', ansi: '\u001b[33m' },
    off_track: { vi: 'Chậm tiến độ', en: 'Off track', icon: '▼', ansi: '\u001b[31m' },
    regressing: { vi: 'Đi xuống', en: 'Regressing', icon: '↘', ansi: '\u001b[31m' },
    missed: { vi: 'Không đạt', en: 'Missed', icon: '✖', ansi: '\u001b[31m' },
    no_data: { vi: 'Chưa có số liệu', en: 'No data', icon: '?', ansi: '\u001b[90m' },
    superseded: { vi: 'Đơn vị đã sắp xếp lại', en: 'Superseded', icon: '↷', ansi: '\u001b[90m' },
  };

/** What a reader may be shown: the engine's verdicts, then the three states without one. */
export type DisplayId = Exclude<Status, 'no_data'> | 'no_figure' | 'not_started' | 'no_target';

/**
 * The engine's statuses in their order (compute/status.ts), its "no data" replaced by the three
 * states in which there is no verdict to show: a status the engine gains is listed here too.
 */
export const DISPLAY_IDS: readonly DisplayId[] = [
  ...STATUSES.filter((s): s is Exclude<Status, 'no_data'> => s !== 'no_data'),
  'no_figure',
  'not_started',
  'no_target',
];

export interface DisplayWord {
  vi: string;
  en: string;
  icon: string;
  /** Okabe–Ito, as dashboards/charts/palette.ts colours the engine's statuses */
  colour: string;
  /** true for the engine's verdicts on a target; false where no verdict is given */
  verdict: boolean;
}

export const DISPLAY_STATES: Readonly<Record<DisplayId, DisplayWord>> = {
  achieved: { ...word('achieved'), colour: '#0072B2', verdict: true },
  on_track: { ...word('on_track'), colour: '#009E73', verdict: true },
  at_risk: { ...word('at_risk'), colour: '#E69F00', verdict: true },
  off_track: { ...word('off_track'), colour: '#D55E00', verdict: true },
  regressing: { ...word('regressing'), colour: '#CC79A7', verdict: true },
  missed: { ...word('missed'), colour: '#000000', verdict: true },
  superseded: { ...word('superseded'), colour: '#6E6E6E', verdict: false },
  no_figure: {
    vi: 'Chưa có số liệu kỳ này',
    en: 'No figure this period',
    icon: '?',
    colour: '#BBBBBB',
    verdict: false,
  },
  not_started: {
    vi: 'Chưa bắt đầu (từ {date})',
    en: 'Not started yet (opens on {date})',
    icon: '◷',
    colour: '#F0E442',
    verdict: false,
  },
  no_target: {
    vi: 'Không có chỉ tiêu áp dụng',
    en: 'No target applies',
    icon: '○',
    colour: '#FFFFFF',
    verdict: false,
  },
};

function word(id: string): { vi: string; en: string; icon: string } {
  const l = STATUS_LABELS[id];
  return { vi: l.vi, en: l.en, icon: l.icon };
}

/** What is known about one target (or none) of one unit in one period. */
export interface DisplayInput {
  /** the engine's status for the period, null when no status row exists */
  status: string | null | undefined;
  /** the unit's own figure in the period (null: it has none) */
  actual: number | null | undefined;
  /** false when no target of the indicator binds the unit at all */
  hasTarget: boolean;
  /** the target's window start; with `periodEnd`, a window that opens later reads "not started" */
  windowStart?: string | null;
  periodEnd?: string | null;
}

/**
 * The state to show. Rules, in order: no target → no_target; a window that opens after the
 * period → not_started; a unit that ceased → superseded; no figure in the period → no_figure
 * (whatever verdict an earlier figure earned: a verdict is never printed beside an empty cell);
 * otherwise the engine's verdict (an engine no_data beside a figure reads no_figure too).
 */
export function displayId(input: DisplayInput): DisplayId {
  if (!input.hasTarget) return 'no_target';
  if (input.windowStart && input.periodEnd && input.windowStart > input.periodEnd)
    return 'not_started';
  if (input.status === 'superseded') return 'superseded';
  if (input.actual === null || input.actual === undefined) return 'no_figure';
  const s = input.status ?? '';
  return (DISPLAY_IDS as readonly string[]).includes(s) ? (s as DisplayId) : 'no_figure';
}

export interface DisplayState {
  id: DisplayId;
  word: string;
  icon: string;
  colour: string;
  verdict: boolean;
}

/** The state's word in a language; `date` (already formatted) fills not_started's window. */
export function displayState(id: DisplayId, lang: 'vi' | 'en', date: string = ''): DisplayState {
  const d = DISPLAY_STATES[id];
  return {
    id,
    word: d[lang].replace('{date}', date),
    icon: d.icon,
    colour: d.colour,
    verdict: d.verdict,
  };
}
