// What the ingest says about a unit name it cannot read on its own (DESIGN.md §4): candidates
// with their parents, a unit of another level or another era named as such ("ended on
// 30/6/2025; its area is now part of …"), text in a legacy font encoding (TCVN3, VNI) named as
// such, and the notes that say when the file's context decided. Pure.
import { splitName, validOn, type Level, type Resolution, type Unit } from '../normalize/units.ts';
import type { UnitRules } from './classify-units.ts';
import type { Bilingual } from './problems.ts';

/** What the file's context decided about a name (a note of the report, not a problem). */
export interface ContextNote {
  rule: 'unit_by_context' | 'former_name';
  message: string;
  vi: string;
}

const LEVEL_EN: Record<Level, string> = {
  national: 'national',
  province: 'province-level',
  district: 'district-level',
  commune: 'commune-level',
};
/** A level as Vietnamese names it after "đơn vị" (unit). */
export const LEVEL_VI: Record<Level, string> = {
  national: 'quốc gia',
  province: 'cấp tỉnh',
  district: 'cấp huyện',
  commune: 'cấp xã',
};

// TCVN3 (ABC) text read as Windows-1252 shows marks no Vietnamese letter is ("Hµ Néi", "§µ
// N½ng"); VNI Windows shows a base letter then a Latin-1 letter for its marks ("Haø Noäi").
const TCVN3 = /[¸µ¶·¹¨©ª«¬®§½¾¼¦¥¤¢¡÷þ]/;
const VNI = /[øïäëöüûñÑØÏÄËÖÜÛ]/;

/** The legacy Vietnamese font encoding a text looks written in, or null. */
export function legacyEncoding(text: string): 'TCVN3' | 'VNI' | null {
  if (TCVN3.test(text)) return 'TCVN3';
  if (VNI.test(text)) return 'VNI';
  return null;
}

/** "2025-06-30" → "30/6/2025", as Vietnamese documents write a date. */
export const dmy = (iso: string) => {
  const [y, m, d] = iso.split('-');
  return `${Number(d)}/${Number(m)}/${y}`;
};

/** "Phường X (Thành phố Y, Tỉnh Z)": a unit with the units above it, the country left out. */
export function withParents(rules: UnitRules, unit: Unit): string {
  const above: string[] = [];
  for (let id = unit.parent_id; id && id !== 'VN';) {
    const parent = rules.index.get(id);
    if (!parent) break;
    above.push(parent.full_name);
    id = parent.parent_id;
  }
  return above.length ? `${unit.full_name} (${above.join(', ')})` : unit.full_name;
}

/** What took a retired unit's area: its own successors, or its nearest ancestor's. */
function areaNowIn(rules: UnitRules, unit: Unit): string[] {
  for (
    let u: Unit | undefined = unit;
    u;
    u = u.parent_id ? rules.index.get(u.parent_id) : undefined
  ) {
    const next = rules.successors.get(u.unit_id) ?? [];
    if (next.length > 0) return next.map((s) => s.name);
  }
  return [];
}

/** The words of a name that resolves to no unit, or to several, at `readOn`. */
export function namesInContext(
  rules: UnitRules,
  name: string,
  readOn: string,
  failed: Extract<Resolution, { ok: false }>,
): Bilingual {
  const parent = rules.parentUnitId ? rules.index.get(rules.parentUnitId) : undefined;
  const within = parent ? ` under ${parent.full_name}` : '';
  const withinVi = parent ? ` thuộc ${parent.full_name}` : '';
  const level = rules.level ? ` at ${LEVEL_EN[rules.level]}` : '';
  const levelVi = rules.level ? ` ở ${LEVEL_VI[rules.level]}` : '';
  if (failed.reason === 'ambiguous') {
    const list = failed.candidates.map((c) => `${withParents(rules, c)} [${c.code}]`).join('; ');
    return {
      en: `unit name "${name}" is ambiguous on ${readOn}${within}${level}: ${list}; give unit_code, or --parent (the province or district the file is about), or --level`,
      vi: `tên đơn vị "${name}" trùng nhau vào ngày ${readOn}${withinVi}${levelVi}: ${list}; hãy ghi mã đơn vị (unit_code), hoặc dùng --parent (tỉnh, huyện mà tệp báo cáo) hay --level`,
    };
  }
  const head = `no unit is named "${name}" on ${readOn}${within}${level}`;
  const headVi = `không có đơn vị nào tên "${name}" vào ngày ${readOn}${withinVi}${levelVi}`;
  const encoding = legacyEncoding(name);
  if (encoding) {
    return {
      en: `${head}: the text looks written in ${encoding}, a legacy Vietnamese font encoding, not Unicode; convert the file to Unicode (for example with Unikey's converter, ${encoding} → Unicode) and send it again`,
      vi: `${headVi}: chữ trong tệp có vẻ dùng bảng mã ${encoding} (phông chữ cũ), không phải Unicode; hãy chuyển tệp sang Unicode (ví dụ bằng công cụ chuyển mã của Unikey, ${encoding} → Unicode) rồi gửi lại`,
    };
  }
  // the same name at another time, of the kind of unit the name says (its prefix)
  const { prefix } = splitName(name);
  const samePrefix = (u: Unit) => prefix === null || splitName(u.full_name).prefix === prefix;
  const named = rules.index
    .named(name)
    .filter((u) => samePrefix(u) && (!rules.level || u.level === rules.level));
  const then = named.filter((u) => validOn(u, readOn));
  // units of this name on the day, outside the parent given: the parent is the thing to check
  const en: string[] = [];
  const vi: string[] = [];
  if (parent) {
    for (const u of then.filter((u) => !rules.index.isUnder(u.unit_id, parent.unit_id))) {
      en.push(`${withParents(rules, u)} is not under ${parent.full_name}`);
      vi.push(`${withParents(rules, u)} không thuộc ${parent.full_name}`);
    }
  }
  // of another era only when none of this name is there on the day
  const eras = then.length > 0 ? [] : named;
  for (const f of rules.index.formerNamed(name).filter((f) => f.validTo < readOn)) {
    const now = rules.index.byCodeAt(f.code, readOn, f.level).map((u) => u.full_name);
    en.push(
      `"${f.formerName}" was the name of code ${f.code} until ${dmy(f.validTo)}${now.length ? `; on ${readOn} it is ${now.join(', ')}` : ''}`,
    );
    vi.push(
      `"${f.formerName}" là tên của mã ${f.code} đến hết ngày ${dmy(f.validTo)}${now.length ? `; vào ngày ${readOn} là ${now.join(', ')}` : ''}`,
    );
  }
  for (const u of eras) {
    if (u.valid_to !== null && u.valid_to < readOn) {
      const now = areaNowIn(rules, u);
      en.push(
        `${withParents(rules, u)} ended on ${dmy(u.valid_to)}${now.length ? `; its area is now part of ${now.join(', ')}` : ''}`,
      );
      vi.push(
        `${withParents(rules, u)} đã kết thúc ngày ${dmy(u.valid_to)}${now.length ? `; địa bàn nay thuộc ${now.join(', ')}` : ''}`,
      );
    } else if (u.valid_from !== null) {
      en.push(`${withParents(rules, u)} exists from ${dmy(u.valid_from)} only`);
      vi.push(`${withParents(rules, u)} chỉ có từ ngày ${dmy(u.valid_from)}`);
    }
  }
  // units of this name but of another kind, valid on the day: named with their level, never
  // offered as if the same unit
  for (const u of failed.candidates) {
    en.push(
      `${withParents(rules, u)} is a ${LEVEL_EN[u.level]} unit, not the same unit: write its own name if it is the one meant`,
    );
    vi.push(
      `${withParents(rules, u)} là đơn vị ${LEVEL_VI[u.level]}, không phải cùng một đơn vị: nếu đúng là đơn vị này hãy ghi đúng tên của nó`,
    );
  }
  return en.length === 0
    ? { en: head, vi: headVi }
    : { en: `${head}: ${en.join('; ')}`, vi: `${headVi}: ${vi.join('; ')}` };
}
