// What a problem found in an input file says to an officer, in Vietnamese first: the reader's
// own Vietnamese (`Problem.vi`) when it wrote one, else a text kept here by rule with a short
// "how to fix" hint, else a generic sentence with the English in parentheses. Every rule the
// pipelines' sources give has an entry (tests/load/messages.test.ts reads the sources to check).
import type { Problem } from './problems.ts';

/** What a rule means and how an officer fixes it. */
interface RuleText {
  vi: string;
  fixVi: string;
  en: string;
  fixEn: string;
}

const t = (vi: string, fixVi: string, en: string, fixEn: string): RuleText => ({
  vi,
  fixVi,
  en,
  fixEn,
});

/** One entry per rule (see tests/load/rule-literals.ts for where rules come from). */
export const RULE_TEXTS: Readonly<Record<string, RuleText>> = {
  // reading the file
  format: t(
    'Không đọc được định dạng tệp',
    'Lưu tệp dạng CSV (UTF-8), XLSX hoặc JSON rồi tải lên lại.',
    'The file format cannot be read',
    'Save the file as CSV (UTF-8), XLSX or JSON and upload it again.',
  ),
  binary: t(
    'Tệp không phải là văn bản (có thể là tệp nhị phân)',
    'Chọn đúng tệp số liệu; với Excel hãy lưu dạng .xlsx.',
    'The file is not text (binary content)',
    'Pick the figures file; save Excel workbooks as .xlsx.',
  ),
  encoding: t(
    'Không nhận ra bảng mã ký tự của tệp',
    'Lưu lại tệp với bảng mã UTF-8 (Excel: "CSV UTF-8").',
    'The character encoding cannot be recognised',
    'Save the file again as UTF-8 (Excel: "CSV UTF-8").',
  ),
  empty_file: t(
    'Tệp rỗng, không có dữ liệu',
    'Điền số liệu vào tệp (hoặc biểu mẫu) rồi tải lên lại.',
    'The file is empty',
    'Fill in the figures (or the template) and upload again.',
  ),
  no_rows: t(
    'Tệp có dòng tiêu đề nhưng không có dòng số liệu nào',
    'Điền ít nhất một số liệu dưới dòng tiêu đề; ô để trống không được tải.',
    'The file has a header but no rows',
    'Fill in at least one figure below the header; blank cells are not loaded.',
  ),
  header: t(
    'Dòng tiêu đề không đúng',
    'Dòng 1 phải có các cột unit_code, period, metric, value (hoặc dùng biểu mẫu tải về).',
    'The header row is wrong',
    'Line 1 must name the columns unit_code, period, metric, value (or use the template).',
  ),
  csv: t(
    'Không đọc được tệp CSV',
    'Kiểm tra dấu ngoặc kép và ký tự xuống dòng; lưu lại tệp từ Excel dạng "CSV UTF-8".',
    'The CSV file cannot be read',
    'Check quotes and line endings; save the file again from Excel as "CSV UTF-8".',
  ),
  json: t(
    'Tệp JSON không hợp lệ',
    'Tệp phải là một mảng các bản ghi {"unit_code", "period", "metric", "value"}.',
    'The JSON is not valid',
    'The file must be an array of records {"unit_code", "period", "metric", "value"}.',
  ),
  xlsx: t(
    'Không đọc được sổ tính Excel',
    'Mở tệp bằng Excel và lưu lại dạng .xlsx.',
    'The Excel workbook cannot be read',
    'Open the file in Excel and save it again as .xlsx.',
  ),
  sheet: t(
    'Không có trang tính này trong sổ tính',
    'Kiểm tra tên trang tính đã chọn.',
    'The workbook has no such sheet',
    'Check the sheet name.',
  ),
  merged_cell: t(
    'Ô gộp (merge) trong vùng số liệu',
    'Bỏ gộp ô: mỗi ô chỉ một giá trị.',
    'A merged cell in the data',
    'Unmerge the cells: one value per cell.',
  ),
  too_large: t(
    'Tệp vượt quá giới hạn kích thước',
    'Chia tệp thành nhiều tệp nhỏ hơn.',
    'The file is over a size limit',
    'Split the file into smaller files.',
  ),
  too_deep: t(
    'Tệp JSON lồng nhau quá sâu',
    'Dùng một mảng phẳng các bản ghi.',
    'The JSON is nested too deep',
    'Use a flat array of records.',
  ),
  required: t(
    'Thiếu giá trị bắt buộc',
    'Điền giá trị vào ô còn trống.',
    'A required value is missing',
    'Fill in the empty cell.',
  ),
  // what the rows say
  period: t(
    'Kỳ báo cáo không đọc được',
    'Ghi kỳ dạng 2025 (năm), 2025-Q3 (quý), 2025-07 (tháng) hoặc 2025-07-19 (ngày).',
    'The period cannot be read',
    'Write the period as 2025, 2025-Q3, 2025-07 or 2025-07-19.',
  ),
  unknown_metric: t(
    'Không có chỉ tiêu (metric) này trong danh mục',
    'Dùng mã chỉ tiêu của danh mục (vd. cccd_issued) hoặc tải biểu mẫu có sẵn các cột.',
    'No such metric in the catalogue',
    'Use a catalogue metric id (e.g. cccd_issued) or download the template.',
  ),
  unknown_unit: t(
    'Không tìm thấy đơn vị hành chính này',
    'Ghi mã đơn vị (mã thống kê) hoặc tên đúng như danh mục đơn vị.',
    'No such administrative unit',
    'Give the unit code (GSO code) or its name as in the unit list.',
  ),
  ambiguous_unit: t(
    'Tên đơn vị trùng với nhiều đơn vị',
    'Ghi thêm mã đơn vị, hoặc chọn đơn vị cấp trên khi tải lên.',
    'The unit name matches several units',
    'Add the unit code, or choose the parent unit when uploading.',
  ),
  dead_code: t(
    'Mã đơn vị không còn hiệu lực ở kỳ báo cáo này',
    'Dùng mã của đơn vị đang tồn tại ở kỳ đó (sau sắp xếp đơn vị hành chính).',
    'The unit code was not in force at this period',
    'Use the code of the unit that existed at that period (after the reorganisation).',
  ),
  unit_mismatch: t(
    'Mã và tên đơn vị không khớp nhau',
    'Sửa mã hoặc tên cho đúng cùng một đơn vị.',
    'The unit code and name do not match',
    'Make the code and the name name the same unit.',
  ),
  unit: t(
    'Đơn vị không hợp lệ',
    'Kiểm tra mã và tên đơn vị.',
    'The unit is not valid',
    'Check the unit code and name.',
  ),
  out_of_scope: t(
    'Đơn vị nằm ngoài phạm vi được giao báo cáo; không số liệu nào được tải',
    'Chỉ báo cáo cho đơn vị của mình và các đơn vị trực thuộc; bỏ các dòng này.',
    "The unit is outside the reporter's scope; nothing was loaded",
    'Report only for your unit and the units under it; remove these rows.',
  ),
  not_a_number: t(
    'Giá trị không phải là số',
    'Chỉ ghi chữ số (vd. 1234 hoặc 1.234); để trống nếu chưa có số liệu.',
    'The value is not a number',
    'Write digits only (e.g. 1234 or 1.234); leave blank when there is no figure.',
  ),
  ambiguous_number: t(
    'Không rõ dấu chấm là phân cách hàng nghìn hay thập phân',
    'Ghi số không có dấu phân cách (1234) hoặc thống nhất một cách ghi trong cả tệp.',
    'It is unclear whether the dot groups thousands or marks decimals',
    'Write the number without separators (1234), or one convention for the whole file.',
  ),
  convention_mismatch: t(
    'Cách ghi số khác với các dòng khác của tệp',
    'Dùng cùng một cách ghi số (dấu chấm hoặc dấu phẩy) cho cả tệp.',
    'The number is written unlike the rest of the file',
    'Use one number convention (dot or comma) for the whole file.',
  ),
  mixed_convention: t(
    'Tệp trộn hai cách ghi số (dấu chấm và dấu phẩy)',
    'Dùng cùng một cách ghi số cho cả tệp.',
    'The file mixes two number conventions',
    'Use one number convention for the whole file.',
  ),
  formula: t(
    'Ô chứa công thức thay vì giá trị',
    'Trong Excel, sao chép và "Dán giá trị" (Paste Values) trước khi lưu.',
    'The cell holds a formula instead of its value',
    'In Excel, copy and "Paste Values" before saving.',
  ),
  out_of_range: t(
    'Số quá lớn',
    'Kiểm tra lại số (thừa chữ số?).',
    'The number is too large',
    'Check the number (extra digits?).',
  ),
  count: t(
    'Số đếm phải là số nguyên không âm',
    'Ghi số nguyên (không phần trăm, không số thập phân, không số âm).',
    'A count must be a whole non-negative number',
    'Write a whole number (no percent, no decimals, not negative).',
  ),
  reported_at: t(
    'Ngày báo cáo (reported_at) không đọc được',
    'Ghi ngày dạng YYYY-MM-DD (vd. 2025-07-05).',
    'The reported_at date cannot be read',
    'Write the date as YYYY-MM-DD (e.g. 2025-07-05).',
  ),
  conflicting_duplicate: t(
    'Cùng đơn vị, kỳ và chỉ tiêu xuất hiện nhiều lần với giá trị khác nhau',
    'Giữ lại một dòng với giá trị đúng.',
    'The same unit, period and metric appear with different values',
    'Keep one row with the right value.',
  ),
  duplicate: t(
    'Dòng lặp lại (cùng giá trị); chỉ tải một lần',
    'Có thể bỏ dòng lặp.',
    'A repeated row (same value); loaded once',
    'The repeated row can be removed.',
  ),
  numerator_above_denominator: t(
    'Tử số lớn hơn mẫu số (vd. số đã cấp lớn hơn số đủ điều kiện)',
    'Kiểm tra lại hai số liệu này.',
    'The numerator is above its denominator',
    'Check the two figures.',
  ),
  no_figures: t(
    'Tệp không có số liệu nào: mọi ô số liệu đều trống; không có gì được tải',
    'Điền số liệu vào các ô rồi tải lên lại.',
    'Every figure cell is blank: nothing to load',
    'Fill in the figures and upload again.',
  ),
  storage_fault: t(
    'Máy chủ không ghi được dữ liệu (ổ đĩa đầy hoặc chỉ đọc); không số liệu nào được tải',
    'Báo quản trị viên; thử lại sau.',
    'The server could not write (disk full or read-only); nothing was loaded',
    'Tell an administrator; try again later.',
  ),
  approved_period: t(
    'Số liệu của kỳ này đã được phê duyệt; không được sửa',
    'Liên hệ người đã phê duyệt (quản trị viên) nếu cần điều chỉnh.',
    'This period was approved; its figures are locked',
    'Contact whoever approved it (an administrator) to correct it.',
  ),
  out_of_memory: t(
    'Máy chủ hết bộ nhớ khi xử lý tệp; không số liệu nào được tải',
    'Thử lại sau, hoặc chia tệp nhỏ hơn; báo quản trị viên nếu lặp lại.',
    'The server ran out of memory; nothing was loaded',
    'Try again later or split the file; tell an administrator if it recurs.',
  ),
  ingest_failed: t(
    'Máy chủ gặp lỗi khi xử lý tệp; không số liệu nào được tải',
    'Thử lại; báo quản trị viên nếu lặp lại.',
    'The server failed while loading; nothing was loaded',
    'Try again; tell an administrator if it recurs.',
  ),
  // office forms (derived columns, total rows, JSON exports, sheets left out)
  derived_ignored: t(
    'Cột tính toán (tỷ lệ %) được bỏ qua; hệ thống tự tính',
    'Không cần làm gì.',
    'A derived column (a percentage) is ignored; chitieu computes it',
    'Nothing to do.',
  ),
  derived_checked: t(
    'Cột tính toán đã được đối chiếu với số liệu gốc',
    'Không cần làm gì.',
    'A derived column was checked against its figures',
    'Nothing to do.',
  ),
  derived_mismatch: t(
    'Cột tính toán (tỷ lệ %) không khớp với số liệu gốc',
    'Kiểm tra lại tử số, mẫu số hoặc công thức của cột tỷ lệ.',
    'A derived column disagrees with its figures',
    'Check the numerator, the denominator or the percentage column.',
  ),
  total_mismatch: t(
    'Dòng tổng không bằng tổng các dòng',
    'Kiểm tra lại dòng tổng hoặc số liệu các dòng.',
    'A total row does not equal the sum of its rows',
    'Check the total row or the rows it adds up.',
  ),
  record_path: t(
    'Không tìm thấy danh sách bản ghi trong tệp JSON',
    'Chỉ đường dẫn tới danh sách (vd. data.items) bằng --record-path.',
    'No list of records found in the JSON',
    'Give the path to the list (e.g. data.items) with --record-path.',
  ),
  // how a unit's name was read (notes: the report says when context decided)
  former_name: t(
    'Tên đơn vị là tên cũ, được hiểu theo đơn vị mang tên đó tại kỳ báo cáo',
    'Không cần làm gì; có thể ghi mã đơn vị để chắc chắn.',
    "A unit's former name, read as the unit that bore it then",
    'Nothing to do; give the unit code to be sure.',
  ),
  unit_by_context: t(
    'Tên đơn vị được hiểu theo cấp của các dòng khác trong tệp',
    'Ghi mã đơn vị hoặc chọn cấp (--level) nếu muốn khác.',
    "A unit's name was read at the level of the file's other rows",
    'Give the unit code, or --level, to say otherwise.',
  ),
  // unit lists (`chitieu units import`)
  shape: t(
    'Cấu trúc tệp danh mục đơn vị không đúng',
    'Dùng đúng mẫu danh mục đơn vị.',
    'The unit list has the wrong shape',
    'Use the unit list format.',
  ),
  unique: t(
    'Mã đơn vị bị trùng',
    'Mỗi đơn vị chỉ một dòng.',
    'A unit appears twice',
    'One row per unit.',
  ),
  level: t(
    'Cấp hành chính không hợp lệ',
    'Dùng national, province, district hoặc commune.',
    'The level is not valid',
    'Use national, province, district or commune.',
  ),
  date: t('Ngày không hợp lệ', 'Ghi ngày dạng YYYY-MM-DD.', 'Not a date', 'Write YYYY-MM-DD.'),
  interval: t(
    'Ngày kết thúc trước ngày bắt đầu',
    'Sửa valid_from / valid_to.',
    'valid_to is before valid_from',
    'Correct valid_from / valid_to.',
  ),
  parent: t(
    'Không tìm thấy đơn vị cấp trên',
    'Kiểm tra parent_code.',
    'The parent unit is not found',
    'Check parent_code.',
  ),
};

/** DuckDB's CSV reader's own rejections (`csv_<error type>`), one text for them all. */
const CSV_REJECT: RuleText = t(
  'Dòng CSV không đọc được (thiếu/thừa cột hoặc dấu ngoặc kép lạc)',
  'Mỗi dòng phải có đúng số cột như dòng tiêu đề; kiểm tra dấu phẩy và dấu ngoặc kép.',
  'A CSV line cannot be read (missing or extra columns, stray quotes)',
  'Each line needs as many columns as the header; check commas and quotes.',
);

/** What reading left out of an office form (`skipped_<kind>` notes: title, totals, sheets …). */
const SKIPPED: RuleText = t(
  'Phần không phải số liệu được bỏ qua (tiêu đề, dòng tổng, chữ ký, trang ẩn …)',
  'Không cần làm gì; kiểm tra lại nếu một dòng số liệu bị bỏ qua.',
  'What is not data was left out (title, totals, signatures, hidden sheets …)',
  'Nothing to do; check it if a row of figures was left out.',
);

/** The entry for a rule, or null when none is kept. */
export function ruleText(rule: string): RuleText | null {
  return (
    RULE_TEXTS[rule] ??
    (rule.startsWith('csv_') ? CSV_REJECT : rule.startsWith('skipped_') ? SKIPPED : null)
  );
}

/** What went wrong, in `lang`: the problem's own Vietnamese first, then the kept text by rule. */
export function problemWhat(p: Problem, lang: 'vi' | 'en'): string {
  if (lang === 'en') return p.message;
  if (p.vi) return p.vi;
  const entry = ruleText(p.rule);
  if (entry) return entry.vi;
  // last resort: no Vietnamese is kept for this rule; the English says what it is
  return `Dữ liệu không hợp lệ (${p.message})`;
}

/** How to fix it, in `lang`: empty when no hint is kept for the rule. */
export function problemFix(p: Problem, lang: 'vi' | 'en'): string {
  const entry = ruleText(p.rule);
  if (!entry) return '';
  return lang === 'vi' ? entry.fixVi : entry.fixEn;
}

/** A problem in one sentence for an officer: what is wrong, then how to fix it. */
export function problemText(p: Problem, lang: 'vi' | 'en'): string {
  const fix = problemFix(p, lang);
  const what = problemWhat(p, lang);
  return fix ? `${what}. ${lang === 'vi' ? 'Cách sửa' : 'Fix'}: ${fix}` : what;
}
