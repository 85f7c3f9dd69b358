// The frame of an administrative document as Nghị định 30/2020/NĐ-CP lays it out (Phụ lục I):
// left, the superior body, the issuing body in bold and the number ("Số: …/BC-…"); right, the
// national name and the motto, underlined; under the motto, the place and date in italics; the
// document kind and subject centred; at the end, the recipients (left) and the signature (right).
// The styles ride with the document (a PDF has no server to ask), print-only parts included.
import { html, raw, type Html } from './html.ts';
import type { Words } from '../i18n/index.ts';

const MONTHS_EN = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** The place as the date line prints it: a unit's name without its level (Tỉnh Kiên Giang → Kiên Giang). */
export function placeName(unitName: string, level: string): string {
  if (level === 'national') return 'Hà Nội';
  return unitName.replace(/^(Tỉnh|Thành phố|Huyện|Quận|Thị xã|Xã|Phường|Thị trấn)\s+/u, '');
}

/**
 * "Kiên Giang, ngày 25 tháng 01 năm 2026": a day below 10 and the months 1 and 2 take a leading
 * zero (NĐ 30, Phụ lục I, II.5.b) so no one can write a digit before them.
 */
export function placeAndDate(w: Words, place: string, isoDay: string): string {
  const [year, month, day] = isoDay.slice(0, 10).split('-').map(Number);
  return w.t('pack_place_date', {
    place,
    day: String(day).padStart(2, '0'),
    month: month <= 2 ? String(month).padStart(2, '0') : String(month),
    monthName: MONTHS_EN[month - 1],
    year,
  });
}

/** The superior body's line: CHÍNH PHỦ for the country, UBND TỈNH KIÊN GIANG for a unit. */
export function superiorBody(w: Words, unitName: string, level: string): string {
  if (level === 'national') return w.t('pack_superior_national');
  // "UBND TỈNH KIÊN GIANG"; in English the level word stays out: "… OF KIÊN GIANG"
  const name = w.lang === 'vi' ? unitName : placeName(unitName, level);
  return w.t('pack_superior_unit', { unit: name.toLocaleUpperCase('vi') });
}

export interface OfficialHeader {
  superior: string;
  issuer: string;
  number: string;
  placeDate: string;
  kind: string;
  subject: string;
  unit: string;
}

export function officialHeader(w: Words, h: OfficialHeader): Html {
  return html`<header class="nd30">
      <div class="nd30-issuer">
        <p>${h.superior}</p>
        <p><strong>${h.issuer}</strong></p>
        <hr />
        <p>${h.number}</p>
      </div>
      <div class="nd30-nation">
        <p><strong>${w.t('pack_nation')}</strong></p>
        <p><strong class="nd30-motto">${w.t('pack_motto')}</strong></p>
        <p class="nd30-date"><em>${h.placeDate}</em></p>
      </div>
    </header>
    <div class="nd30-title">
      <p class="nd30-kind"><strong>${h.kind}</strong></p>
      <p><strong>${h.subject}</strong></p>
      <p><strong>${h.unit}</strong></p>
      <hr />
    </div>`;
}

export function recipientsAndSignature(
  w: Words,
  recipients: string[],
  sign: { for: string; title: string; hint: string },
): Html {
  return html`<footer class="nd30-end">
    <div class="nd30-recipients">
      <p>
        <strong><em>${w.t('pack_recipients')}</em></strong>
      </p>
      <ul>
        ${recipients.map((r) => html`<li>${r}</li>`)}
      </ul>
    </div>
    <div class="nd30-sign">
      <p><strong>${sign.for}</strong></p>
      <p><strong>${sign.title}</strong></p>
      <p class="nd30-hint"><em>${sign.hint}</em></p>
    </div>
  </footer>`;
}

/**
 * The document's own styles. In print the site's chrome (bar, navigation, footer, the page's own
 * title line, filters and forms) goes: the document is the page. Tables may break across pages
 * (a long one must not push page 1's text to page 2); their rows may not.
 */
export const OFFICIAL_STYLE = raw(`<style>
.official { max-width: 60em; margin: 0 auto; font-family: 'Times New Roman', 'Liberation Serif', 'Noto Serif', serif; font-size: 1.05rem; }
.official h2 { font-size: 1.15em; margin: 1.1em 0 0.4em; }
.official table { width: 100%; font-size: 0.95em; }
.nd30 { display: grid; grid-template-columns: 2fr 3fr; gap: 0.5em; text-align: center; line-height: 1.3; font-size: 0.92em; }
.nd30-nation p:first-child { white-space: nowrap; }
.pack-targets { table-layout: fixed; }
.pack-targets col.name { width: 36%; }
.pack-targets col.fig { width: 11%; }
.pack-targets col.state { width: 18%; }
.pack-targets col.change { width: 13%; }
.pack-targets .status { white-space: normal; }
.pack-targets td.num { white-space: nowrap; }
.pack-targets th[scope='row'] .muted { font-weight: normal; font-size: 0.85em; }
.pack-targets code { word-break: break-all; font-size: 0.9em; }
.nd30 p, .nd30-title p { margin: 0; }
.nd30 hr, .nd30-title hr { width: 30%; margin: 0.2em auto 0.5em; border: 0; border-top: 1px solid currentColor; }
.nd30-motto { text-decoration: underline; text-underline-offset: 3px; }
.nd30-date { margin-top: 0.6em !important; text-align: right; }
.nd30-title { text-align: center; margin: 1.2em 0 0.8em; line-height: 1.35; }
.nd30-kind { font-size: 1.25em; }
.official .doc-synthetic { text-align: center; font-weight: 700; border: 2px solid #e69f00; padding: 0.2em; }
.nd30-end { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; margin-top: 2em; break-inside: avoid; }
.nd30-recipients { font-size: 0.85em; }
.nd30-recipients ul { list-style: none; padding: 0; margin: 0; }
.nd30-recipients li::before { content: '- '; }
.nd30-sign { text-align: center; min-height: 9em; }
.nd30-sign p { margin: 0; }
.nd30-hint { margin-top: 0.2em !important; font-size: 0.9em; }
.pack-charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(18em, 1fr)); gap: 0.8em 1.2em; }
.pack-charts figure { margin: 0; break-inside: avoid; }
.pack-charts figcaption { font-weight: 600; font-size: 0.95em; }
.annex { break-before: page; }
@media print {
  body.pack header.site, body.pack footer.site, body.pack .skip, body.pack > .synthetic,
  body.pack main > h1, body.pack main > .data-as-of, body.pack form, body.pack .no-print { display: none !important; }
  body.pack { font-size: 12pt; }
  .official { max-width: none; font-size: 12pt; }
  .official table { font-size: 10.5pt; }
  .official table { break-inside: auto; }
  .official thead { display: table-header-group; }
  .pack-charts { grid-template-columns: 1fr 1fr; }
}
@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
</style>`);
