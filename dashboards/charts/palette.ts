// The one mapping from a state (target status, reporting month, task) to its colour, icon and
// word. Colours are Okabe–Ito (distinct under deuteranopia and protanopia); every chart also
// prints the icon or word, so colour never carries meaning alone. Status words and icons are
// those of indicators/i18n/status.ts.
import { STATUSES, type Status } from '../../indicators/compute/status.ts';
import { STATUS_LABELS } from '../../indicators/i18n/status.ts';
import { chartLabels, type ChartLabels, type Lang } from './format.ts';

// the order legends list statuses in is the engine's: best to worst, then no verdict
export { STATUSES };

export const STATUS_COLOURS: Readonly<Record<Status, string>> = {
  achieved: '#0072B2', // blue
  on_track: '#009E73', // bluish green
  at_risk: '#E69F00', // orange
  off_track: '#D55E00', // vermillion
  regressing: '#CC79A7', // reddish purple
  missed: '#000000', // black: past the deadline, not met
  no_data: '#BBBBBB', // light grey
  superseded: '#6E6E6E', // dark grey
};

export interface StateStyle<Id extends string = string> {
  id: Id;
  colour: string;
  icon: string;
  word: string;
}

export function isStatus(id: unknown): id is Status {
  return typeof id === 'string' && (STATUSES as readonly string[]).includes(id);
}

/** An unknown or missing status reads as no_data. */
export function statusStyle(id: string | null | undefined, lang: Lang): StateStyle<Status> {
  const status = isStatus(id) ? id : 'no_data';
  const label = STATUS_LABELS[status];
  return { id: status, colour: STATUS_COLOURS[status], icon: label.icon, word: label[lang] };
}

// ---- reporting months (indicators/compute/checks.sql, block "reporting") ----

export type ReportingStatus = 'on_time' | 'late' | 'missing' | 'pending';
export const REPORTING_STATUSES: readonly ReportingStatus[] = [
  'on_time',
  'late',
  'missing',
  'pending',
];

// Light enough that the black symbol printed in each cell keeps a contrast above 4.5:1.
const REPORTING: Record<
  ReportingStatus,
  { colour: string; icon: string; word: keyof ChartLabels }
> = {
  on_time: { colour: '#56B4E9', icon: '✓', word: 'reportingOnTime' },
  late: { colour: '#E69F00', icon: '!', word: 'reportingLate' },
  missing: { colour: '#D55E00', icon: '✗', word: 'reportingMissing' },
  pending: { colour: '#EEEEEE', icon: '·', word: 'reportingNotDue' },
};

export function reportingStyle(
  id: ReportingStatus,
  labels: ChartLabels,
): StateStyle<ReportingStatus> {
  const s = REPORTING[id];
  return { id, colour: s.colour, icon: s.icon, word: labels[s.word] };
}

// ---- tasks ----

export type TaskState = 'overdue' | 'upcoming' | 'done' | 'cancelled';
export const TASK_STATES: readonly TaskState[] = ['overdue', 'upcoming', 'done', 'cancelled'];

// `shape` is the Plot symbol the timeline draws, so the state reads from the dot's shape too.
const TASK: Record<
  TaskState,
  { colour: string; icon: string; shape: string; word: keyof ChartLabels }
> = {
  overdue: { colour: '#D55E00', icon: '▲', shape: 'triangle', word: 'taskOverdue' },
  upcoming: { colour: '#56B4E9', icon: '◆', shape: 'diamond', word: 'taskUpcoming' },
  done: { colour: '#0072B2', icon: '●', shape: 'circle', word: 'taskDone' },
  cancelled: { colour: '#BBBBBB', icon: '■', shape: 'square', word: 'taskCancelled' },
};

export function taskStyle(
  id: TaskState,
  labels: ChartLabels,
): StateStyle<TaskState> & { shape: string } {
  const s = TASK[id];
  return { id, colour: s.colour, icon: s.icon, shape: s.shape, word: labels[s.word] };
}

/** Every style of a kind, for legends and for the tests' distinctness laws. */
export function allStyles(lang: Lang): {
  status: StateStyle<Status>[];
  reporting: StateStyle<ReportingStatus>[];
  task: Array<StateStyle<TaskState> & { shape: string }>;
} {
  const labels = chartLabels(lang);
  return {
    status: STATUSES.map((s) => statusStyle(s, lang)),
    reporting: REPORTING_STATUSES.map((s) => reportingStyle(s, labels)),
    task: TASK_STATES.map((s) => taskStyle(s, labels)),
  };
}
