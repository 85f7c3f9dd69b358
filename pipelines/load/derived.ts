// What the column plan leaves to be said: a period taken from a form's title or sheet name, and
// derived columns (Tỷ lệ %) — checked against their two parts when the pair is a known ratio in
// the same header group, otherwise left out with a note (a percentage is computed, never stored).
import type { Plan } from './columns.ts';
import { labelParts } from './labels.ts';
import type { Problem } from './problems.ts';
import type { Reference } from './reference.ts';
import type { Note } from './report.ts';
import { formNumber } from './table.ts';

/** A note for each part whose period came from its title or its sheet's name. */
export function statedPeriods(plans: Plan[]): Note[] {
  return plans.flatMap((p) => {
    const stated = p.sniffed.stated;
    if (!stated || p.period !== stated.value || p.columns.has('period')) return [];
    const en =
      stated.from === 'sheet' ? `the sheet's name "${stated.text}"` : `the title "${stated.text}"`;
    const vi =
      stated.from === 'sheet' ? `tên trang tính "${stated.text}"` : `tiêu đề "${stated.text}"`;
    return [
      {
        file: p.sniffed.file,
        rule: `period_from_${stated.from}`,
        rows: [],
        message: `period ${stated.value} taken from ${en} (no --period given)`,
        vi: `kỳ báo cáo ${stated.value} lấy từ ${vi} (không có --period)`,
      },
    ];
  });
}

const group = (header: string) => labelParts(header).slice(0, -1).join(' | ');

/** Decimals a percentage is written with: "66,7" → 1. */
const decimals = (t: string) => /[.,](\d+)\s*%?$/.exec(t.trim())?.[1].length ?? 0;

export async function derivedChecks(
  plans: Plan[],
  reference: Reference,
): Promise<{ notes: Note[]; warnings: Problem[] }> {
  const notes: Note[] = [];
  const warnings: Problem[] = [];
  for (const plan of plans) {
    const s = plan.sniffed;
    for (const d of plan.derived ?? []) {
      const mates = plan.metricColumns.filter((m) => group(s.header[m.index]) === group(d.header));
      const ratios = await reference.ratiosAmong(mates.map((m) => m.metric));
      const ratio = ratios.find((r) => mates.some((m) => m.metric === r.denominator));
      const num = mates.find((m) => m.metric === ratio?.numerator);
      const den = mates.find((m) => m.metric === ratio?.denominator);
      if (!ratio || !num || !den || !s.rows) {
        notes.push({
          file: s.file,
          rule: 'derived_ignored',
          rows: [],
          message: `column «${d.header}» is a derived percentage: not stored (the scoreboard computes it)`,
          vi: `cột «${d.header}» là tỷ lệ tính ra: không lưu (bảng điểm tự tính)`,
        });
        continue;
      }
      notes.push({
        file: s.file,
        rule: 'derived_checked',
        rows: [],
        message: `column «${d.header}» checked as ${ratio.numerator} / ${ratio.denominator} × 100, not stored`,
        vi: `cột «${d.header}» được đối chiếu = ${ratio.numerator} / ${ratio.denominator} × 100, không lưu`,
      });
      const leaf = (i: number) => labelParts(s.header[i]).pop() ?? s.header[i];
      for (const r of s.rows) {
        const text = r.values[d.index];
        const shown = formNumber(text?.replace('%', '') ?? null);
        const n = formNumber(r.values[num.index]);
        const q = formNumber(r.values[den.index]);
        if (shown === null || n === null || q === null || q === 0 || text === null) continue;
        const computed = (100 * n) / q;
        // rounding to the decimals written, and a little for those who truncate
        if (Math.abs(computed - shown) <= 10 ** -decimals(text)) continue;
        const c = Math.round(computed * 100) / 100;
        warnings.push({
          file: s.file,
          row: r.number,
          column: d.header,
          value: text,
          rule: 'derived_mismatch',
          message: `«${d.header}» says ${text} but «${leaf(num.index)}» / «${leaf(den.index)}» is ${c}%: check the figures`,
          vi: `«${d.header}» ghi ${text} nhưng «${leaf(num.index)}» / «${leaf(den.index)}» = ${c}%: kiểm tra lại số liệu`,
          severity: 'warning',
        });
      }
    }
  }
  return { notes, warnings };
}
