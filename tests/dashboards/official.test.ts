// The frame of the pack as Nghị định 30/2020/NĐ-CP writes it: the place and date line (a leading
// zero on days below 10 and on months 1 and 2), the place without its level, the superior body,
// and the page footer Chromium prints with page numbers.
import { describe, expect, it } from 'vitest';
import { words } from '../../dashboards/i18n/index.ts';
import { placeAndDate, placeName, superiorBody } from '../../dashboards/render/official.ts';
import { pageFooter, pdfOptions } from '../../dashboards/browser.ts';

const vi = words('vi');
const en = words('en');

describe('place and date', () => {
  it('writes the day and the months 1 and 2 with a leading zero, the others without', () => {
    expect(placeAndDate(vi, 'Kiên Giang', '2026-01-25')).toBe(
      'Kiên Giang, ngày 25 tháng 01 năm 2026',
    );
    expect(placeAndDate(vi, 'Hà Nội', '2026-02-05')).toBe('Hà Nội, ngày 05 tháng 02 năm 2026');
    expect(placeAndDate(vi, 'Hà Nội', '2025-12-03')).toBe('Hà Nội, ngày 03 tháng 12 năm 2025');
    expect(placeAndDate(vi, 'Hà Nội', '2025-03-10')).toBe('Hà Nội, ngày 10 tháng 3 năm 2025');
    expect(placeAndDate(en, 'Kiên Giang', '2026-01-25')).toBe('Kiên Giang, 25 January 2026');
  });

  it('names the place without its level, and the country from Hà Nội', () => {
    expect(placeName('Tỉnh Kiên Giang', 'province')).toBe('Kiên Giang');
    expect(placeName('Thành phố Hồ Chí Minh', 'province')).toBe('Hồ Chí Minh');
    expect(placeName('Việt Nam', 'national')).toBe('Hà Nội');
  });

  it('heads the document with the superior body', () => {
    expect(superiorBody(vi, 'Tỉnh Kiên Giang', 'province')).toBe('UBND TỈNH KIÊN GIANG');
    expect(superiorBody(en, 'Tỉnh Kiên Giang', 'province')).toBe(
      "PEOPLE'S COMMITTEE OF KIÊN GIANG",
    );
    expect(superiorBody(vi, 'Việt Nam', 'national')).toBe('CHÍNH PHỦ');
  });
});

describe('printing', () => {
  it('numbers every page in the footer, in the document language, inside NĐ 30 margins', () => {
    const options = pdfOptions('<!doctype html>\n<html lang="en"><body></body></html>');
    expect(options.displayHeaderFooter).toBe(true);
    expect(options.footerTemplate).toBe(pageFooter('en'));
    expect(pageFooter('vi')).toContain(
      'Trang <span class="pageNumber"></span>/<span class="totalPages"></span>',
    );
    expect(options.margin.left).toBe('30mm');
    expect(pdfOptions('<html lang="vi">').footerTemplate).toContain('Trang');
  });
});
