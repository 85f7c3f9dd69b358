// Administrative units as values: ids that stay unique across the 2025 reform, validity checks,
// and the index that finds a unit by code or by name at a date (pure; no database).
import { matchKey } from './text.ts';

/** The tiers of administrative units (no district tier after 1/7/2025). */
export type Level = 'national' | 'province' | 'district' | 'commune';

export interface Unit {
  unit_id: string;
  code: string;
  name: string;
  full_name: string;
  name_en: string | null;
  level: Level;
  parent_id: string | null;
  valid_from: string | null;
  valid_to: string | null;
  source: string;
}

export const LEVELS: readonly Level[] = ['national', 'province', 'district', 'commune'];
const LETTER: Record<Level, string> = { national: 'n', province: 'p', district: 'd', commune: 'c' };

/** 'VN' for the country; otherwise level letter + code, plus '@valid_from' when it has one. */
export function unitId(level: Level, code: string, validFrom: string | null): string {
  if (level === 'national') return 'VN';
  return `${LETTER[level]}${code}${validFrom ? `@${validFrom}` : ''}`;
}

export const NATIONAL: Unit = {
  unit_id: 'VN',
  code: 'VN',
  name: 'Việt Nam',
  full_name: 'Việt Nam',
  name_en: 'Viet Nam',
  level: 'national',
  parent_id: null,
  valid_from: null,
  valid_to: null,
  source: 'chitieu',
};

/** Is the unit in existence on `date` (ISO)? A null date means "at any time". */
export function validOn(unit: Pick<Unit, 'valid_from' | 'valid_to'>, date: string | null): boolean {
  if (date === null) return true;
  return (
    (unit.valid_from === null || unit.valid_from <= date) &&
    (unit.valid_to === null || date <= unit.valid_to)
  );
}

// Administrative prefixes, longest first, with abbreviations spelled out. Each names the levels
// it can stand for, so "Thành phố Hà Tĩnh" (a district-level city) and "Tỉnh Hà Tĩnh" differ.
const PREFIXES: Array<[RegExp, string]> = [
  [/^(thành phố|tp\.?|t\.p\.?)\s+/, 'thành phố'],
  [/^(thị xã|tx\.?)\s+/, 'thị xã'],
  [/^(thị trấn|tt\.?)\s+/, 'thị trấn'],
  [/^(đặc khu)\s+/, 'đặc khu'],
  [/^(tỉnh)\s+/, 'tỉnh'],
  [/^(quận|q\.)\s*/, 'quận'],
  [/^(huyện|h\.)\s*/, 'huyện'],
  [/^(phường|p\.)\s*/, 'phường'],
  [/^(xã)\s+/, 'xã'],
];

/** The levels a prefix can name (a "thành phố" is a province-level or a district-level city). */
const PREFIX_LEVELS: Record<string, Level[]> = {
  'thành phố': ['province', 'district'],
  'thị xã': ['district'],
  'thị trấn': ['commune'],
  'đặc khu': ['district', 'commune'],
  tỉnh: ['province'],
  quận: ['district'],
  huyện: ['district'],
  phường: ['commune'],
  xã: ['commune'],
};

// An office's own name before its unit's ("UBND xã Sơn Ninh", "Công an phường 3"): stripped
// only when an administrative prefix follows, so that the rest is clearly the unit's name.
const OFFICE =
  /^(ubnd|u\.b\.n\.d\.?|ủy ban nhân dân|uỷ ban nhân dân|hđnd|công an|ca|bch quân sự|ban chỉ huy quân sự)\s+(?=(xã|phường|thị trấn|tt\.?|huyện|quận|thị xã|tx\.?|thành phố|tp\.?|tỉnh|đặc khu)\s)/;

export interface SplitName {
  prefix: string | null;
  key: string;
}

/** Separates an administrative prefix from the name and returns a tone-placement-blind key. */
export function splitName(name: string): SplitName {
  let text = name.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim().replace(OFFICE, '');
  let prefix: string | null = null;
  for (const [re, canonical] of PREFIXES) {
    const m = re.exec(text);
    if (m && text.length > m[0].length) {
      prefix = canonical;
      text = text.slice(m[0].length);
      break;
    }
  }
  // "Phường 01" and "Phường 1" are the same ward
  const key = matchKey(text).replace(/\b0+(\d)/g, '$1');
  return { prefix, key };
}

export interface NameQuery {
  name: string;
  /** a unit the answer must lie under (at any depth) */
  parentId?: string | null;
  /** the date at which the name is read (ISO); null: any time */
  date?: string | null;
  level?: Level | null;
}

/** A name a unit had before a rename that kept it (same code, same area), until `validTo`. */
export interface FormerName {
  level: Level;
  code: string;
  formerName: string;
  /** the last day of the former name (ISO) */
  validTo: string;
  source: string;
}

export type Resolution =
  | { ok: true; unit: Unit; former?: FormerName }
  | { ok: false; reason: 'unknown' | 'ambiguous'; candidates: Unit[] };

export class UnitIndex {
  private readonly byId = new Map<string, Unit>();
  private readonly byKey = new Map<string, Unit[]>();
  private readonly byCode = new Map<string, Unit[]>();
  private readonly byFormerKey = new Map<string, FormerName[]>();

  constructor(units: Iterable<Unit>, formerNames: readonly FormerName[] = []) {
    for (const f of formerNames) {
      const { key } = splitName(f.formerName);
      this.byFormerKey.set(key, [...(this.byFormerKey.get(key) ?? []), f]);
    }
    for (const unit of units) {
      this.byId.set(unit.unit_id, unit);
      for (const name of new Set([unit.name, unit.full_name])) {
        const { key } = splitName(name);
        const list = this.byKey.get(key) ?? [];
        if (!list.includes(unit)) list.push(unit);
        this.byKey.set(key, list);
      }
      const codes = this.byCode.get(unit.code) ?? [];
      codes.push(unit);
      this.byCode.set(unit.code, codes);
    }
  }

  get size(): number {
    return this.byId.size;
  }

  /** Every unit of every period. */
  all(): IterableIterator<Unit> {
    return this.byId.values();
  }

  get(unitId: string): Unit | undefined {
    return this.byId.get(unitId);
  }

  /** True when `ancestorId` is the unit itself or one of its ancestors. */
  isUnder(unitId: string, ancestorId: string): boolean {
    for (
      let u = this.byId.get(unitId);
      u;
      u = u.parent_id ? this.byId.get(u.parent_id) : undefined
    ) {
      if (u.unit_id === ancestorId) return true;
    }
    return false;
  }

  /** The unit a GSO code named on `date`; several (of different levels) unless `level` is given. */
  byCodeAt(code: string, date: string | null, level?: Level | null): Unit[] {
    const wanted = code.trim();
    return (this.byCode.get(wanted === 'vn' ? 'VN' : wanted) ?? []).filter(
      (u) => validOn(u, date) && (!level || u.level === level),
    );
  }

  /** Every unit whose name matches; an ambiguous name is never settled by picking the first. */
  resolve(query: NameQuery): Resolution {
    const found = this.resolveCurrent(query);
    if (found.ok || found.reason === 'ambiguous' || !query.date) return found;
    // a former name read at a date it was still the name ("Thừa Thiên Huế" in 2024)
    const { key } = splitName(query.name);
    const date = query.date;
    const former = (this.byFormerKey.get(key) ?? []).flatMap((f) =>
      date <= f.validTo
        ? this.byCodeAt(f.code, date, f.level)
            .filter(
              (u) =>
                (!query.level || u.level === query.level) &&
                (!query.parentId ||
                  (u.unit_id !== query.parentId && this.isUnder(u.unit_id, query.parentId))),
            )
            .map((unit) => ({ unit, former: f }))
        : [],
    );
    if (former.length === 1) return { ok: true, ...former[0] };
    return former.length > 1
      ? { ok: false, reason: 'ambiguous', candidates: former.map((f) => f.unit) }
      : found;
  }

  /** The former names that read as `name` (at any date). */
  formerNamed(name: string): FormerName[] {
    return this.byFormerKey.get(splitName(name).key) ?? [];
  }

  /** Every unit named so today (or at any time, without a date), whatever its validity. */
  named(name: string): Unit[] {
    return this.byKey.get(splitName(name).key) ?? [];
  }

  private resolveCurrent(query: NameQuery): Resolution {
    const { prefix, key } = splitName(query.name);
    let candidates = (this.byKey.get(key) ?? []).filter(
      (u) =>
        validOn(u, query.date ?? null) &&
        (!query.level || u.level === query.level) &&
        (!query.parentId ||
          (u.unit_id !== query.parentId && this.isUnder(u.unit_id, query.parentId))),
    );
    if (prefix !== null) {
      // "Huyện X" cannot be a province; a prefix that fits none leaves the name unknown, with
      // the units it would otherwise have matched offered as hints
      const fitting = candidates.filter((u) => PREFIX_LEVELS[prefix].includes(u.level));
      if (fitting.length === 0) return { ok: false, reason: 'unknown', candidates };
      // "Thành phố Hà Tĩnh" names the city, not the province: prefer the same prefix
      const same = fitting.filter((u) => splitName(u.full_name).prefix === prefix);
      candidates = same.length > 0 ? same : fitting;
    }
    if (candidates.length === 1) return { ok: true, unit: candidates[0] };
    return { ok: false, reason: candidates.length === 0 ? 'unknown' : 'ambiguous', candidates };
  }
}
