// The column plan of each part (a file or a sheet): long or wide, which column holds what, and
// in a wide part which columns hold which metrics. Pure: the header in, the plan or every header
// problem out, before a single row is read.
import type { Sniffed } from '../read/sniff.ts';
import { columnLetter } from '../read/grid.ts';
import { matchKey } from '../normalize/text.ts';
import { metricNames, type MetricRef } from './classify.ts';
import { labelKey, MAPPING_ROLES, metricKeys, roleOf, similarity, type Role } from './labels.ts';
import { errorAt, type Bilingual, type Problem } from './problems.ts';
import type { ColumnMapping, Layout } from './report.ts';

export const UNIT_COLUMNS = ['unit_code', 'unit_name'];
const LONG_REQUIRED = ['period', 'metric', 'value'];
const OPTIONAL = ['reported_at', 'note'];
// the column plan reads labels as offices write them (labels.ts): "Đơn vị" is the unit_name,
// STT is ignored, "Tỷ lệ (%)" is derived, "Số TK ĐDĐT (tài khoản)" a metric's label
/** The columns of a long part, in the order they are read. */
export const LONG_COLUMNS = ['unit_code', 'unit_name', 'period', 'metric', 'value', ...OPTIONAL];

/** How one part maps onto the long table (one row per unit, period and metric). */
export interface Plan {
  /** the part's index among the file's parts */
  part: number;
  sniffed: Sniffed;
  layout: Layout;
  /** canonical column key (unit_code, period, …) → index in the header */
  columns: Map<string, number>;
  /** wide: the metric columns, with the metric each holds */
  metricColumns: Array<{ index: number; metric: string }>;
  /** derived columns (Tỷ lệ %): checked against their parts when known, else left out */
  derived?: Array<{ index: number; header: string }>;
  /** the period of every row, when the part has no period column (--period, or the title's) */
  period?: string;
}

export interface PlanOptions {
  layout?: Layout;
  /** the period of every row when the part has no period column */
  period?: string;
  /** header text → metric id or unit_name, unit_code, period, note, ignore */
  mapping?: ColumnMapping;
}

/** A column as the reader sees it: its header, or its letter in a sheet, or its number. */
export const printedColumn = (s: Sniffed, i: number) =>
  s.header[i] || (s.columnLetters ? columnLetter(i + 1) : `#${i + 1}`);

type Target = { role: Role } | { metric: string } | { invalid: string };

/** What the mapping file says a header is, by its text as written or as a label key. */
function mapped(
  mapping: ColumnMapping | undefined,
  header: string,
  ids: Set<string>,
): Target | null {
  if (!mapping) return null;
  const wanted = [header.normalize('NFC').trim(), labelKey(header)];
  for (const [text, target] of Object.entries(mapping)) {
    if (!wanted.includes(text.normalize('NFC').trim()) && !wanted.includes(labelKey(text)))
      continue;
    const t = target.trim();
    if (MAPPING_ROLES[t]) return { role: MAPPING_ROLES[t] };
    return ids.has(t) ? { metric: t } : { invalid: t };
  }
  return null;
}

/** The three metrics whose names are nearest a label: «name» (id). */
function closest(header: string, metrics: readonly MetricRef[]): string {
  const keys = metricKeys(header);
  return metrics
    .map((m) => {
      const name = labelKey(m.name_vi);
      return { m, score: Math.max(...keys.map((k) => similarity(k, name))) };
    })
    .sort((a, b) => b.score - a.score || a.m.metric_id.localeCompare(b.m.metric_id))
    .slice(0, 3)
    .map(({ m }) => `«${m.name_vi}» (${m.metric_id})`)
    .join(', ');
}

/** Decides the layout from the header, and for a wide part which columns are which metrics. */
export function planColumns(
  sniffed: Sniffed,
  part: number,
  metrics: readonly MetricRef[],
  options: PlanOptions,
  forceLong: boolean,
): { plan: Plan; problems: Problem[] } {
  const { header, file, headerRow } = sniffed;
  const problems: Problem[] = [];
  const err = (
    column: string | null,
    value: string | null,
    message: string | Bilingual,
    rule = 'header',
  ) => problems.push(errorAt(file, headerRow, column, value, rule, message));
  const ids = new Set(metrics.map((m) => m.metric_id));
  const columns = new Map<string, number>();
  const metricCandidates: number[] = [];
  const derived: NonNullable<Plan['derived']> = [];
  const seenRole = new Map<string, number>();
  header.forEach((h, i) => {
    if (h.trim() === '') {
      const c = printedColumn(sniffed, i);
      err(c, null, { en: `column ${c} has no name`, vi: `Cột ${c} chưa có tiêu đề: ghi tên cột` });
      return;
    }
    const key = h.normalize('NFC').trim().toLowerCase();
    const target = mapped(options.mapping, h, ids);
    if (target && 'invalid' in target) {
      err(h, target.invalid, {
        en: `the mapping file maps column «${h}» to "${target.invalid}", which is neither a metric id nor unit, unit_code, period, note or ignore`,
        vi: `Tệp ánh xạ gán cột «${h}» cho "${target.invalid}", không phải mã chỉ tiêu cũng không phải unit, unit_code, period, note hay ignore`,
      });
      return;
    }
    const role = target && 'role' in target ? target.role : target ? 'metric' : roleOf(h);
    if (target && 'metric' in target) {
      metricCandidates.push(i);
      return;
    }
    if (role === 'ignore') return;
    if (role === 'derived') {
      derived.push({ index: i, header: h });
      return;
    }
    if (role === null) {
      // a long file's unknown column is reported below; a wide file's is a metric's
      if (seenRole.has(key)) {
        err(h, h, { en: `column ${h} appears twice`, vi: `Cột ${h} xuất hiện hai lần` });
      }
      seenRole.set(key, i);
      metricCandidates.push(i);
      return;
    }
    if (columns.has(role)) {
      const other = header[columns.get(role) ?? 0];
      const same = other.normalize('NFC').trim().toLowerCase() === key;
      err(h, h, {
        en: same ? `column ${h} appears twice` : `columns ${other} and ${h} both hold the ${role}`,
        vi: same ? `Cột ${h} xuất hiện hai lần` : `Hai cột ${other} và ${h} cùng là ${role}`,
      });
    } else columns.set(role, i);
  });
  const layout: Layout = forceLong
    ? 'long'
    : (options.layout ?? (columns.has('metric') || columns.has('value') ? 'long' : 'wide'));
  if (!UNIT_COLUMNS.some((c) => columns.has(c))) {
    err(null, null, {
      en: 'the header needs a unit_code or a unit_name column (or Đơn vị, Tên đơn vị, Địa phương …)',
      vi: 'Thiếu cột đơn vị: cần một cột unit_code, unit_name, «Đơn vị», «Tên đơn vị» hoặc «Địa phương»',
    });
  }
  const metricColumns: Plan['metricColumns'] = [];
  const period = columns.has('period') ? undefined : (options.period ?? sniffed.stated?.value);
  if (layout === 'long') {
    for (const c of LONG_REQUIRED) {
      if (!columns.has(c)) err(c, null, { en: `missing column ${c}`, vi: `Thiếu cột ${c}` });
    }
    // a column nobody reads is a figure or a unit silently lost (a typo such as "unit_cod")
    for (const i of metricCandidates) {
      const list = LONG_COLUMNS.join(', ');
      err(header[i], header[i], {
        en: `column ${header[i]} is not one of ${list}`,
        vi: `Cột ${header[i]} không phải một trong các cột ${list}: đổi tên cột hoặc dùng tệp ánh xạ (--mapping)`,
      });
    }
  } else {
    if (!columns.has('period') && !period) {
      err(null, null, {
        en: 'a wide file needs a period column or --period',
        vi: 'Bảng theo cột chỉ tiêu cần một cột kỳ báo cáo, hoặc --period, hoặc kỳ ghi trong tiêu đề (THÁNG 7/2024)',
      });
    }
    const byLabel = metricNames(metrics);
    for (const m of metrics) byLabel.set(labelKey(m.name_vi), m.metric_id);
    const seen = new Map<string, string>();
    for (const i of metricCandidates) {
      const h = header[i];
      const target = mapped(options.mapping, h, ids);
      const metric =
        target && 'metric' in target
          ? target.metric
          : (byLabel.get(h.normalize('NFC').trim().toLowerCase()) ??
            byLabel.get(matchKey(h)) ??
            metricKeys(h)
              .map((k) => byLabel.get(k))
              .find((x) => x !== undefined));
      if (!metric) {
        const near = closest(h, metrics);
        err(
          h,
          h,
          {
            en: `column «${h}» matches no metric. Closest: ${near}. Rename the column or use a mapping file (--mapping).`,
            vi: `Cột «${h}» không khớp chỉ tiêu nào. Gần nhất: ${near}. Đổi tiêu đề cột hoặc dùng tệp ánh xạ (--mapping).`,
          },
          'unknown_metric',
        );
      } else if (seen.has(metric)) {
        err(h, h, {
          en: `columns ${seen.get(metric)} and ${h} both hold ${metric}`,
          vi: `Hai cột ${seen.get(metric)} và ${h} cùng là chỉ tiêu ${metric}: bỏ một cột`,
        });
      } else {
        seen.set(metric, h);
        metricColumns.push({ index: i, metric });
      }
    }
    if (metricColumns.length === 0 && problems.length === 0) {
      err(null, null, { en: 'no column names a metric', vi: 'Không cột nào là một chỉ tiêu' });
    }
  }
  const plan: Plan = { part, sniffed, layout, columns, metricColumns, derived };
  if (period !== undefined) plan.period = period;
  return { plan, problems };
}
