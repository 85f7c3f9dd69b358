// The generator's input built without a database: the shipped provinces and the catalogue.
import { builtinProvinces } from '../../pipelines/load/units.ts';
import { loadCatalogue } from '../../indicators/catalogue/load.ts';
import type { DemoInput } from '../../pipelines/demo/generate.ts';

export function builtinInput(): DemoInput {
  const catalogue = loadCatalogue();
  const list = builtinProvinces();
  return {
    units: list.units.map(({ unit_id, code, name, level, parent_id, valid_from, valid_to }) => ({
      unit_id,
      code,
      name,
      level,
      parent_id,
      valid_from,
      valid_to,
    })),
    successions: list.successions,
    dueDays: { p79: 15, p77: 18, p91: 20 },
    metrics: catalogue.metrics.map((m) => m.id),
  };
}
