// A file about one unit may name its units without codes: with the file's parent unit given,
// names are looked for among the parent and the units under it ("Huyện Chợ Mới" names two
// districts in the country, one in An Giang).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../pipelines/load/ingest.ts';
import { main } from '../../cli/main.ts';
import { bufferIo } from '../helpers.ts';
import { makeTemplate, stored, type Template } from '../fixtures/ingest/harness.ts';

let template: Template;
let file: string;
beforeAll(async () => {
  template = await makeTemplate();
  file = join(template.dir, 'an-giang-2024-07.csv');
  writeFileSync(
    file,
    'unit_name,period,metric,value\nHuyện Chợ Mới,2024-07,population,190000\n' +
      'Tỉnh An Giang,2024-07,population,1900000\n',
  );
});
afterAll(() => template.cleanup());

describe('unit names read under the file’s parent unit', () => {
  it('are ambiguous without it', async () => {
    const db = await template.copy('no-parent');
    try {
      const r = await ingestFile(db, file);
      expect(r.status).toBe('rejected');
      expect(r.errors.map((e) => [e.row, e.rule])).toEqual([[2, 'ambiguous_unit']]);
    } finally {
      db.close();
    }
  });

  for (const fast of [true, false]) {
    it(`resolve among the parent and its units with it (${fast ? 'fast' : 'general'} path)`, async () => {
      const db = await template.copy(`parent-${fast}`);
      try {
        const r = await ingestFile(db, file, { parentUnitId: 'p89', fast });
        expect(r.status).toBe('loaded');
        expect(await stored(db, r.batchId)).toEqual([
          {
            unit_id: 'd893',
            unit_code: '893',
            period: '2024-07',
            metric: 'population',
            value: 190000,
          },
          {
            unit_id: 'p89',
            unit_code: '89',
            period: '2024-07',
            metric: 'population',
            value: 1900000,
          },
        ]);
      } finally {
        db.close();
      }
    });
  }

  it('say so when a name is not under the parent', async () => {
    const db = await template.copy('outside');
    try {
      const r = await ingestFile(db, file, { parentUnitId: 'p06' });
      expect(r.status).toBe('rejected');
      expect(r.errors.map((e) => e.message)).toEqual([
        'no unit is named "Tỉnh An Giang" on 2024-07-31 under Tỉnh Bắc Kạn: Tỉnh An Giang is not under Tỉnh Bắc Kạn',
      ]);
    } finally {
      db.close();
    }
  });

  it('chitieu ingest --parent takes an id or a code, and refuses one that names nothing', async () => {
    const path = template.copyPath('cli');
    const ok = bufferIo(path);
    expect(await main(['ingest', file, '--parent', 'p89'], ok)).toBe(0);
    expect(ok.stdout.join('\n')).toContain('2 new');
    const bad = bufferIo(path);
    expect(await main(['ingest', file, '--parent', '77'], bad)).toBe(2);
    expect(bad.stderr.join('\n')).toContain('invalid --parent: no unit has code or id 77');
  });
});
