// Templates (biểu mẫu): a workbook (or CSV) for one unit and one period that an officer fills in
// and uploads unchanged. Rows: the unit, and its children when a reporting duty binds them (a plan
// that sets a report day binds its unit and every unit under it: indicators/compute/checks.sql),
// so the unit reports for them. Columns: unit_code, unit_name and period pre-filled, then one per
// metric that the targets binding those units need (targets → indicators → their numerator and
// denominator; a metric target names its own), headed by the metric's Vietnamese label, the
// ingest's own wide layout. With no binding target every catalogue metric is offered.
// Counts take whole numbers ≥ 0 (data validation); blanks are "not reported", never zero.
import ExcelJS from 'exceljs';
import type { Database } from '../pipelines/db/connect.ts';
import {
  formatPeriod,
  periodEnd,
  periodStart,
  type Period,
} from '../pipelines/normalize/periods.ts';
import { validOn, type Unit, type UnitIndex } from '../pipelines/normalize/units.ts';

export interface TemplateMetric {
  metric_id: string;
  name_vi: string;
  name_en: string;
  /** the catalogue's unit of measure (English word) and its Vietnamese */
  unit: string;
  unit_vi: string;
}

export interface Template {
  unit: Unit;
  period: string;
  /** the rows: the unit first, then the children it reports for */
  units: Unit[];
  metrics: TemplateMetric[];
  /** false: no target binds these units, every catalogue metric is offered */
  fromTargets: boolean;
}

/** The catalogue's units of measure in Vietnamese (metrics.yaml `unit`). */
const UNIT_VI: Record<string, string> = {
  accounts: 'tài khoản',
  applications: 'hồ sơ',
  cards: 'thẻ',
  changes: 'lượt thay đổi',
  dossiers: 'hồ sơ',
  forms: 'biểu mẫu',
  items: 'mục',
  models: 'mô hình',
  payments: 'giao dịch',
  people: 'người',
  procedures: 'thủ tục',
  records: 'hồ sơ',
  requests: 'yêu cầu',
  responses: 'phiếu',
  results: 'kết quả',
  services: 'dịch vụ',
  visits: 'lượt khám',
};

interface TargetRow {
  unit_code: string | null;
  level: string | null;
  plan_unit_id: string | null;
  plan_unit_code: string;
  numerator: string | null;
  denominator: string | null;
}

/** Whether a target binds `u` (the rule of indicators/compute/targets.ts, dates aside). */
function binds(t: TargetRow, u: Unit, index: UnitIndex): boolean {
  if (t.unit_code !== null) {
    return t.unit_code === t.plan_unit_code ? u.unit_id === t.plan_unit_id : u.code === t.unit_code;
  }
  return (
    t.level === u.level &&
    t.plan_unit_id !== null &&
    u.unit_id !== t.plan_unit_id &&
    index.isUnder(u.unit_id, t.plan_unit_id)
  );
}

/** Whether a reporting duty in force during `period` binds the children of `unit`. */
async function reportsForChildren(
  db: Database,
  index: UnitIndex,
  unit: Unit,
  period: Period,
): Promise<boolean> {
  const duties = await db.values<{ unit_id: string }>(
    `select unit_id from core.reporting_obligations
     where unit_id is not null and first_month is not null
       and first_month <= $last and coalesce(last_month, '9999-12') >= $first`,
    { first: periodStart(period).slice(0, 7), last: periodEnd(period).slice(0, 7) },
  );
  return duties.some((d) => index.isUnder(unit.unit_id, d.unit_id));
}

/** The template of `unit` for `period`: its rows and its metric columns. */
export async function buildTemplate(
  db: Database,
  index: UnitIndex,
  unit: Unit,
  period: Period,
): Promise<Template> {
  const end = periodEnd(period);
  const children = (await reportsForChildren(db, index, unit, period))
    ? [...index.all()]
        .filter((u) => u.parent_id === unit.unit_id && validOn(u, end))
        .sort((a, b) => a.code.localeCompare(b.code))
    : [];
  const units = [unit, ...children];
  const targets = await db.values<TargetRow>(
    `select t.unit_code, t.level, p.unit_id as plan_unit_id, p.unit_code as plan_unit_code,
       case when t.measure_kind = 'indicator' then i.numerator else t.numerator_metric end
         as numerator,
       case when t.measure_kind = 'indicator' then i.denominator else t.denominator_metric end
         as denominator
     from core.targets t join core.plans p using (plan_id)
     left join core.indicators i using (indicator_id)
     where t.measure_kind <> 'none'`,
  );
  const needed = new Set<string>();
  for (const t of targets) {
    if (!units.some((u) => binds(t, u, index))) continue;
    if (t.numerator) needed.add(t.numerator);
    if (t.denominator) needed.add(t.denominator);
  }
  // in catalogue order, the order officers know from the forms
  const all = await db.values<Omit<TemplateMetric, 'unit_vi'>>(
    'select metric_id, name_vi, name_en, unit from core.metrics order by rowid',
  );
  const chosen = all.filter((m) => needed.has(m.metric_id));
  const metrics = (chosen.length > 0 ? chosen : all).map((m) => ({
    ...m,
    unit_vi: UNIT_VI[m.unit] ?? m.unit,
  }));
  return { unit, period: formatPeriod(period), units, metrics, fromTargets: chosen.length > 0 };
}

const FIXED = ['unit_code', 'unit_name', 'period'];

/** The header: the codes' columns, then each metric by its Vietnamese label (the ingest's key). */
export const templateHeader = (t: Template) => [...FIXED, ...t.metrics.map((m) => m.name_vi)];

/** The CSV form: UTF-8 with a BOM (Excel opens it as UTF-8), the codes filled, figures blank. */
export function templateCsv(t: Template): string {
  const cell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [templateHeader(t).map(cell).join(',')];
  for (const u of t.units) {
    lines.push([u.code, u.name, t.period, ...t.metrics.map(() => '')].map(cell).join(','));
  }
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

export const DATA_SHEET = 'Số liệu';
export const HELP_SHEET = 'Hướng dẫn';
/** 'visible' once the workbook reader skips a sheet that holds no table (asked of H2) */
const HELP_STATE: 'hidden' | 'visible' = 'hidden';

/** The workbook: the data sheet (codes locked in place by habit, not protection) and the help. */
export async function templateXlsx(t: Template): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'chitieu';
  const ws = wb.addWorksheet(DATA_SHEET, { views: [{ state: 'frozen', xSplit: 3, ySplit: 1 }] });
  ws.addRow(templateHeader(t));
  ws.getRow(1).font = { bold: true };
  ws.getCell(1, 1).note = helpRows(t)
    .slice(2, 7)
    .map((r) => r[1])
    .join('\n');
  ws.getRow(1).alignment = { wrapText: true, vertical: 'top' };
  ws.getColumn(1).width = 12;
  ws.getColumn(2).width = 28;
  ws.getColumn(3).width = 10;
  t.metrics.forEach((m, i) => {
    const col = ws.getColumn(FIXED.length + i + 1);
    col.width = 22;
    // the unit of measure beside the label, where a header cell's note shows it on hover
    ws.getCell(1, FIXED.length + i + 1).note = `${m.name_vi} (${m.unit_vi}) — ${m.metric_id}`;
  });
  for (const u of t.units) ws.addRow([u.code, u.name, t.period]);
  for (let r = 2; r <= t.units.length + 1; r++) {
    for (let c = FIXED.length + 1; c <= FIXED.length + t.metrics.length; c++) {
      ws.getCell(r, c).dataValidation = {
        type: 'whole',
        operator: 'greaterThanOrEqual',
        allowBlank: true,
        formulae: [0],
        showErrorMessage: true,
        errorStyle: 'stop',
        errorTitle: 'Số nguyên',
        error: 'Chỉ nhập số nguyên không âm (để trống nếu chưa có số liệu).',
      };
    }
  }
  // The instructions sheet is hidden: the ingest reads every visible sheet and would refuse its
  // prose as a table without a unit column (a hidden sheet is skipped, with a note). Its gist is
  // on the data sheet too, as the note of cell A1 (right-click the tab → Unhide to read it all).
  const help = wb.addWorksheet(HELP_SHEET, { state: HELP_STATE });
  help.getColumn(1).width = 40;
  help.getColumn(2).width = 60;
  for (const row of helpRows(t)) help.addRow(row);
  help.getRow(1).font = { bold: true };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The instructions sheet, Vietnamese: what to fill, then each column with its unit. */
export function helpRows(t: Template): string[][] {
  return [
    [`Biểu mẫu báo cáo: ${t.unit.name} (${t.unit.code}), kỳ ${t.period}`],
    [],
    ['Cách điền', `Điền số liệu vào trang "${DATA_SHEET}", mỗi đơn vị một dòng.`],
    ['', 'Không sửa ba cột đầu (mã, tên đơn vị, kỳ) và dòng tiêu đề.'],
    ['', 'Chỉ nhập số nguyên không âm; ô chưa có số liệu thì để trống (không ghi 0).'],
    ['', 'Lưu tệp (.xlsx) rồi tải lên tại trang "Tải số liệu lên" (/upload).'],
    ['', 'Trang "Hướng dẫn" này không được đọc khi tải lên.'],
    [],
    // said without the columns' own names: a line reading like a header would be taken for one
    ['Cột A, B, C', 'Mã đơn vị, tên đơn vị và kỳ báo cáo: đã điền sẵn'],
    ...t.metrics.map((m, i) => [
      `Cột ${letter(FIXED.length + i + 1)}`,
      `${m.name_vi} (${m.unit_vi}) — ${m.metric_id}`,
    ]),
  ];
}

/** A spreadsheet column's letters: 1 → A, 27 → AA. */
function letter(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26))
    s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

/** The file name a template is saved under. */
export const templateFileName = (t: Template, format: 'xlsx' | 'csv') =>
  `bieu-mau-${t.unit.code.replace(/[^A-Za-z0-9-]/g, '_')}-${t.period}.${format}`;
