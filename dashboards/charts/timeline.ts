// Tasks on a deadline timeline: one dot per dated task in the lane of its lead agency (or its
// group), shaped and coloured by overdue / upcoming / done / cancelled, with a rule for today.
// Tasks due the same day in the same lane are spread across the lane instead of hiding each other.
import * as Plot from '@observablehq/plot';
import { isoDate } from './dates.ts';
import { noDataChart } from './empty.ts';
import {
  CHAR,
  CHART_STYLE,
  CHART_WIDTH,
  chartLabels,
  fill,
  formats,
  monthTick,
  type ChartLabels,
  type Lang,
} from './format.ts';
import { TASK_STATES, taskStyle, type TaskState } from './palette.ts';

export interface TimelineTask {
  number: string | null;
  title: string;
  lead: string | null;
  group_name: string | null;
  /** ISO date; null for "Thường xuyên" and other undated deadlines */
  due_on: string | null;
  /** planned | in_progress | done | cancelled */
  status: string;
  overdue: boolean;
}

export interface TimelineOptions {
  lang: Lang;
  /** ISO date the chart is drawn as of (pages pass their `today`; builders never read a clock) */
  today: string;
  /** lanes by lead agency (default) or by task group */
  by?: 'lead' | 'group';
  title?: string;
  labels?: Partial<ChartLabels>;
  width?: number;
}

export function taskState(task: Pick<TimelineTask, 'status' | 'overdue'>): TaskState {
  if (task.status === 'done') return 'done';
  if (task.status === 'cancelled') return 'cancelled';
  return task.overdue ? 'overdue' : 'upcoming';
}

const LANE = 34;
/** the share of a lane's height that stacked dots may use */
const SPREAD = 0.7;

export function timelineChart(
  tasks: readonly TimelineTask[] | null | undefined,
  options: TimelineOptions,
): Plot.PlotOptions {
  const { lang } = options;
  const labels = chartLabels(lang, options.labels);
  const f = formats(lang);
  const width = options.width ?? CHART_WIDTH;
  const title = options.title ?? labels.tasks;
  const laneOf = (t: TimelineTask) =>
    ((options.by === 'group' ? t.group_name : t.lead) ?? '').trim() || labels.unassigned;

  const dated = (tasks ?? []).flatMap((t) => {
    const date = isoDate(t.due_on);
    return date === null ? [] : [{ task: t, date, lane: laneOf(t), state: taskState(t) }];
  });
  const undated = (tasks ?? []).length - dated.length;
  if (dated.length === 0) {
    const text = undated > 0 ? fill(labels.undated, { n: undated }) : labels.noData;
    return noDataChart(text, { width, height: 120, ariaLabel: title });
  }

  const lanes = [...new Set(dated.map((d) => d.lane))].sort((a, b) => a.localeCompare(b, lang));
  const laneIndex = new Map(lanes.map((l, i) => [l, i]));
  const stacks = new Map<string, number>();
  for (const d of dated) {
    const key = `${d.lane}|${+d.date}`;
    stacks.set(key, (stacks.get(key) ?? 0) + 1);
  }
  const placed = new Map<string, number>();
  const rows = [...dated]
    .sort((a, b) => +a.date - +b.date || (a.task.number ?? '').localeCompare(b.task.number ?? ''))
    .map((d) => {
      const key = `${d.lane}|${+d.date}`;
      const n = stacks.get(key) ?? 1;
      const k = placed.get(key) ?? 0;
      placed.set(key, k + 1);
      const style = taskStyle(d.state, labels);
      return {
        date: d.date,
        lane: d.lane,
        state: d.state,
        // k-th of n dots due the same day in one lane, spread evenly around the lane's centre
        y: (laneIndex.get(d.lane) ?? 0) + (n === 1 ? 0 : (k / (n - 1) - 0.5) * SPREAD),
        title: `${d.task.number ? `${d.task.number}. ` : ''}${d.task.title} — ${d.lane} — ${f.date(d.task.due_on)} (${style.icon} ${style.word})`,
      };
    });

  const states = TASK_STATES.filter((s) => rows.some((r) => r.state === s));
  const styles = states.map((s) => taskStyle(s, labels));
  const today = isoDate(options.today);
  const longest = Math.max(...lanes.map((l) => l.length));
  const counts = styles.map(
    (s) => `${s.icon} ${s.word}: ${rows.filter((r) => r.state === s.id).length}`,
  );

  return {
    width,
    height: lanes.length * LANE + 60,
    marginLeft: Math.min(360, 16 + longest * CHAR),
    marginRight: 24,
    marginTop: 24,
    style: CHART_STYLE,
    ariaLabel: title,
    ariaDescription: [...counts, ...(undated ? [fill(labels.undated, { n: undated })] : [])].join(
      '; ',
    ),
    // inset: a dot on the domain's edge is drawn whole
    x: { type: 'utc', label: null, grid: true, inset: 8, tickFormat: monthTick(lang) },
    y: {
      domain: [lanes.length - 0.5, -0.5],
      ticks: lanes.map((_, i) => i),
      tickFormat: function laneName(i: number) {
        return lanes[i] ?? '';
      },
      tickSize: 0,
      label: null,
    },
    color: {
      domain: states,
      range: styles.map((s) => s.colour),
      legend: true,
      tickFormat: function stateWord(id: string) {
        const s = taskStyle(id as TaskState, labels);
        return `${s.icon} ${s.word}`;
      },
    },
    symbol: { domain: states, range: styles.map((s) => s.shape) },
    marks: [
      ...(today
        ? [
            Plot.ruleX([today], {
              stroke: '#595959',
              strokeDasharray: '4,3',
              className: 'mark-today',
            }),
            Plot.text([today], {
              x: (d: Date) => d,
              frameAnchor: 'top',
              dy: -12,
              text: () => `${labels.today} ${f.date(options.today)}`,
              className: 'mark-today-label',
            }),
          ]
        : []),
      Plot.dot(rows, {
        x: 'date',
        y: 'y',
        fill: 'state',
        symbol: 'state',
        stroke: 'white',
        strokeWidth: 0.75,
        r: 5,
        title: 'title',
        className: 'mark-task',
      }),
    ],
  };
}
