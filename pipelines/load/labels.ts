// Column labels as offices write them: what a header cell means (the unit, the period, a row
// number, a note, a derived percentage, or a metric), read blind to case, tone placement, units in
// brackets ("(hồ sơ)"), line breaks, "Trong đó:" and the abbreviations every report uses.
import { matchKey } from '../normalize/text.ts';

/** What a column holds besides a metric. */
export type Role =
  | 'unit_code'
  | 'unit_name'
  | 'period'
  | 'metric'
  | 'value'
  | 'reported_at'
  | 'note'
  | 'ignore'
  | 'derived';

/** The targets a mapping file may name besides a metric id ("unit" is unit_name). */
export const MAPPING_ROLES: Record<string, Role> = {
  unit: 'unit_name',
  unit_name: 'unit_name',
  unit_code: 'unit_code',
  period: 'period',
  note: 'note',
  reported_at: 'reported_at',
  ignore: 'ignore',
};

// "TK" is tài khoản, "HS" hồ sơ …: expanded on both sides, so a label and a metric's name that
// abbreviate differently still meet
const ABBREVIATIONS: Record<string, string> = {
  tk: 'tài khoản',
  đdđt: 'định danh điện tử',
  ddđt: 'định danh điện tử',
  dddt: 'định danh điện tử',
  tthc: 'thủ tục hành chính',
  dvctt: 'dịch vụ công trực tuyến',
  dvc: 'dịch vụ công',
  hs: 'hồ sơ',
  cccd: 'căn cước công dân',
  cc: 'căn cước',
  csdl: 'cơ sở dữ liệu',
  csdlqg: 'cơ sở dữ liệu quốc gia',
  bhyt: 'bảo hiểm y tế',
  đvhc: 'đơn vị hành chính',
  dvhc: 'đơn vị hành chính',
  sl: 'số lượng',
};

/**
 * The key a label is compared by: brackets, "Trong đó:", the separator of a joined multi-row
 * header and punctuation gone, abbreviations spelled out, then `matchKey`.
 */
export function labelKey(label: string): string {
  const text = label
    .normalize('NFC')
    .toLowerCase()
    .replace(/\([^)]*\)|\[[^\]]*\]/g, ' ')
    .replace(/trong đó\s*:?/g, ' ')
    .replace(/[|/\\,;:*+]/g, ' ')
    .replace(/%/g, ' ');
  const words = text
    .split(/\s+/)
    .filter((w) => w !== '' && w !== '-')
    .map((w) => ABBREVIATIONS[w.replace(/\.$/, '')] ?? w);
  return matchKey(words.join(' '));
}

const SYNONYMS: Array<[Role, string[]]> = [
  [
    'unit_name',
    [
      'unit_name',
      'đơn vị',
      'tên đơn vị',
      'địa phương',
      'tên địa phương',
      'đơn vị hành chính',
      'tên đơn vị hành chính',
      'đơn vị báo cáo',
      'xã/phường',
      'xã, phường',
      'xã, phường, thị trấn',
      'tên xã',
      'tên xã, phường',
      'tỉnh/thành phố',
      'tỉnh, thành phố',
      'tên tỉnh',
      'tên tỉnh, thành phố',
      'huyện',
      'quận/huyện',
    ],
  ],
  ['unit_code', ['unit_code', 'mã đơn vị', 'mã đvhc', 'mã', 'mã tỉnh', 'mã xã', 'mã huyện']],
  ['period', ['period', 'kỳ báo cáo', 'kỳ', 'tháng', 'quý', 'thời gian', 'thời điểm']],
  ['ignore', ['stt', 'tt', 'số tt', 'số thứ tự']],
  ['note', ['note', 'ghi chú']],
  ['reported_at', ['reported_at', 'ngày báo cáo']],
  ['metric', ['metric']],
  ['value', ['value']],
];

const BY_KEY = new Map<string, Role>();
for (const [role, labels] of SYNONYMS) for (const l of labels) BY_KEY.set(labelKey(l), role);
// the canonical names, as written (labelKey turns "unit_name" into itself, but be sure)
for (const role of ['unit_code', 'unit_name', 'period', 'metric', 'value', 'reported_at', 'note'])
  BY_KEY.set(role, role as Role);

/** A joined multi-row header's parts: "Căn cước công dân | Số hồ sơ" → both. */
export const labelParts = (label: string) =>
  label
    .split(' | ')
    .map((p) => p.trim())
    .filter((p) => p !== '');

/** The role a label names by itself (not a metric), or null. */
export function roleOf(label: string): Role | null {
  const exact = label.normalize('NFC').trim().toLowerCase();
  if (BY_KEY.has(exact)) return BY_KEY.get(exact) ?? null;
  const parts = labelParts(label);
  // a group label over the unit column ("Đơn vị | Tên đơn vị") still names the unit
  for (const part of [label, parts[parts.length - 1] ?? '']) {
    const role = BY_KEY.get(labelKey(part));
    if (role) return role;
  }
  const leaf = labelKey(parts[parts.length - 1] ?? label);
  if (leaf.startsWith(labelKey('tỷ lệ')) || /%/.test(parts[parts.length - 1] ?? '')) {
    return 'derived';
  }
  return null;
}

/** The keys a metric column's label may match a metric by: whole, the leaf, the leaf + group. */
export function metricKeys(label: string): string[] {
  const parts = labelParts(label);
  const leaf = parts[parts.length - 1] ?? label;
  const keys = [labelKey(label), labelKey(leaf)];
  if (parts.length > 1) keys.push(labelKey(`${leaf} ${parts.slice(0, -1).join(' ')}`));
  return [...new Set(keys)];
}

/** Dice similarity of two keys' words: how close a label is to a metric's name. */
export function similarity(a: string, b: string): number {
  const wa = a.split(' ');
  const wb = new Set(b.split(' '));
  const shared = wa.filter((w) => wb.has(w)).length;
  return (2 * shared) / (wa.length + wb.size || 1);
}
