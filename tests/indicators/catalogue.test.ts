import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalogue } from '../../indicators/catalogue/load.ts';
import { DefinitionError } from '../../indicators/definitions.ts';
import { tempDir } from '../helpers.ts';

// DESIGN.md §5: ids other programs rely on
const METRICS =
  'population cccd_eligible cccd_applications cccd_issued vneid_registered vneid_activated vneid_l2_activated tthc_total tthc_eligible_full tthc_online_full tthc_online_partial dossiers_received dossiers_online dossiers_digitized results_electronic dossiers_on_time work_records_total work_records_online survey_responses survey_satisfied tthc_with_fees tthc_online_payment payments_total payments_online forms_total forms_standardized medical_visits medical_visits_cccd social_beneficiaries social_beneficiaries_cashless'.split(
    ' ',
  );
const RATIOS: Record<string, [string, string | null]> = {
  cccd_coverage: ['cccd_issued', 'cccd_eligible'],
  vneid_accounts: ['vneid_activated', null],
  vneid_activation_rate: ['vneid_activated', 'cccd_eligible'],
  tthc_full_online_rate: ['tthc_online_full', 'tthc_eligible_full'],
  dossier_online_rate: ['dossiers_online', 'dossiers_received'],
  digitization_rate: ['dossiers_digitized', 'dossiers_received'],
  electronic_result_rate: ['results_electronic', 'dossiers_received'],
  on_time_rate: ['dossiers_on_time', 'dossiers_received'],
  work_records_online_rate: ['work_records_online', 'work_records_total'],
  satisfaction_rate: ['survey_satisfied', 'survey_responses'],
  online_payment_tthc_rate: ['tthc_online_payment', 'tthc_with_fees'],
  online_payment_rate: ['payments_online', 'payments_total'],
  forms_standardized_rate: ['forms_standardized', 'forms_total'],
  cccd_medical_rate: ['medical_visits_cccd', 'medical_visits'],
  cashless_social_rate: ['social_beneficiaries_cashless', 'social_beneficiaries'],
};

describe('catalogue', () => {
  const catalogue = loadCatalogue();

  it('declares every contract metric, with Vietnamese and English names and a kind', () => {
    expect(catalogue.metrics.map((m) => m.id)).toEqual(expect.arrayContaining(METRICS));
    for (const m of catalogue.metrics) {
      expect(m.name_vi).toMatch(/[À-ỹ]/); // written in Vietnamese, with diacritics
      expect(['stock', 'flow']).toContain(m.kind);
    }
  });

  it('declares every contract indicator with its numerator and denominator', () => {
    const byId = Object.fromEntries(catalogue.indicators.map((i) => [i.id, i]));
    for (const [id, [num, den]] of Object.entries(RATIOS)) {
      expect(byId[id], id).toMatchObject({
        numerator: num,
        denominator: den,
        unit: den ? 'percent' : 'count',
      });
    }
  });

  it('treats cumulative levels as stocks and monthly counts as flows', () => {
    const kind = Object.fromEntries(catalogue.metrics.map((m) => [m.id, m.kind]));
    expect([kind.cccd_issued, kind.vneid_activated, kind.tthc_online_full]).toEqual([
      'stock',
      'stock',
      'stock',
    ]);
    expect([kind.dossiers_received, kind.payments_online, kind.medical_visits]).toEqual([
      'flow',
      'flow',
      'flow',
    ]);
  });

  it('reports every bad entry with its path, and an unknown metric', () => {
    const { dir, cleanup } = tempDir();
    try {
      mkdirSync(join(dir, 'c'));
      writeFileSync(
        join(dir, 'c/metrics.yaml'),
        '- id: a_metric\n  name_vi: Một\n  name_en: One\n  unit: x\n  kind: level\n',
      );
      writeFileSync(
        join(dir, 'c/indicators.yaml'),
        '- id: an_indicator\n  name_vi: Hai\n  name_en: Two\n  unit: percent\n  direction: up\n  numerator: a_metric\n  denominator: 12\n',
      );
      expect(() => loadCatalogue(join(dir, 'c'))).toThrow(DefinitionError);
      try {
        loadCatalogue(join(dir, 'c'));
      } catch (error) {
        expect((error as DefinitionError).problems).toEqual([
          expect.stringMatching(/^metrics\.a_metric\.kind: /),
        ]);
      }
      writeFileSync(
        join(dir, 'c/metrics.yaml'),
        '- id: a_metric\n  name_vi: Một\n  name_en: One\n  unit: x\n  kind: stock\n',
      );
      try {
        loadCatalogue(join(dir, 'c'));
        expect.unreachable();
      } catch (error) {
        expect((error as DefinitionError).problems).toEqual([
          expect.stringMatching(/^indicators\.an_indicator\.denominator: /),
        ]);
      }
      writeFileSync(
        join(dir, 'c/indicators.yaml'),
        '- id: an_indicator\n  name_vi: Hai\n  name_en: Two\n  unit: percent\n  direction: up\n  numerator: a_metric\n  denominator: no_such\n',
      );
      expect(() => loadCatalogue(join(dir, 'c'))).toThrow(
        'indicators.an_indicator.denominator: unknown metric no_such',
      );
    } finally {
      cleanup();
    }
  });
});
