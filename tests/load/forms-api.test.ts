// An office form uploaded through POST /api/ingest: the form fields header_row, skip_rows,
// mapping and record_path reach the pipeline, and the report's notes reach the client.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApp, type TestApp } from '../api/app.ts';
import { tempDir } from '../helpers.ts';
import { API_MAPPING, makeForms } from '../fixtures/forms/make.ts';

let t: TestApp;
let admin: string;
let dir: string;
let cleanup: () => void;
beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  await makeForms(dir);
  t = await demoApp();
  admin = t.app.tokens.create('admin', null, 'forms admin').token;
});
afterAll(async () => {
  await t.close();
  cleanup();
});

async function upload(name: string, fields: Record<string, string>) {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  data.append('file', new Blob([new Uint8Array(readFileSync(join(dir, name)))]), name);
  const encoded = new Response(data);
  return t.app.inject({
    method: 'POST',
    url: '/api/ingest',
    headers: {
      'content-type': encoded.headers.get('content-type')!,
      authorization: `Bearer ${admin}`,
    },
    payload: Buffer.from(await encoded.arrayBuffer()),
  });
}

describe('office forms through the API', () => {
  it('reads the form with skip_rows, and answers with its notes', async () => {
    const res = await upload('form-2024-07.xlsx', { skip_rows: '16', dry_run: 'true' });
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ status: 'dry_run', rowsRead: 4 });
    expect(report.notes.map((n: { rule: string }) => n.rule)).toContain('skipped_asked');
    expect(report.notes.find((n: { rule: string }) => n.rule === 'skipped_asked').vi).toBe(
      'bỏ qua theo yêu cầu (--skip-rows): dòng 16',
    );
  });

  it('takes record_path and a mapping for a nested JSON export', async () => {
    const res = await upload('api-export.json', {
      record_path: 'data.items',
      mapping: API_MAPPING,
      dry_run: 'true',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'dry_run', rowsRead: 2, layout: 'wide' });
  });

  it('refuses a malformed skip_rows or mapping field before reading the file', async () => {
    const rows = await upload('form-2024-07.xlsx', { skip_rows: '7-2' });
    expect(rows.statusCode).toBe(400);
    expect(rows.json().error.message).toBe(
      'invalid form fields: skip_rows: invalid --skip-rows: 7-2 (row numbers and ranges: 1,2,5-7)',
    );
    const mapping = await upload('form-2024-07.xlsx', { mapping: '- just\n- a list\n' });
    expect(mapping.statusCode).toBe(400);
    expect(mapping.json().error.message).toMatch(/mapping must map column headers to targets/);
  });
});
