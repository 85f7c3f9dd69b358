// POST /api/ingest on a copy of the demo database: the same pipeline and report as the CLI, the
// engine refresh, the reporter's scope, limits, and an audit row for every outcome.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApp, type TestApp } from './app.ts';
import { fixture } from '../fixtures/ingest/harness.ts';
import { ingestReportSchema } from '../../api/schemas/ingest.ts';

const LIMIT = 64 * 1024;

let t: TestApp;
let admin: string;
let adminId: string;
let hanoiReporter: string;
let temp: string;
beforeAll(async () => {
  t = await demoApp({ bodyLimit: LIMIT });
  // uploads and the pipeline's work files go to os.tmpdir(): a folder of this file's own, so that
  // "nothing is left behind" can be checked exactly (each test file runs in its own process)
  temp = join(t.dir, 'tmp');
  mkdirSync(temp);
  process.env.TMPDIR = temp;
  ({
    token: admin,
    stored: { id: adminId },
  } = t.app.tokens.create('admin', null, 'ingest admin'));
  hanoiReporter = t.app.tokens.create('reporter', 'p01@2025-07-01', 'Hà Nội statistics').token;
});
afterAll(async () => t.close());

/** A multipart body as a browser or curl sends it (serialised by the platform's FormData). */
async function form(
  file: { name: string; content: string | Buffer } | null,
  fields: Record<string, string> = {},
  fileField = 'file',
) {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  if (file)
    data.append(
      fileField,
      new Blob([typeof file.content === 'string' ? file.content : new Uint8Array(file.content)]),
      file.name,
    );
  const encoded = new Response(data);
  return {
    payload: Buffer.from(await encoded.arrayBuffer()),
    headers: { 'content-type': encoded.headers.get('content-type')! },
  };
}

async function upload(
  token: string,
  file: { name: string; content: string | Buffer } | null,
  fields: Record<string, string> = {},
) {
  const body = await form(file, fields);
  return t.app.inject({
    method: 'POST',
    url: '/api/ingest',
    headers: { ...body.headers, authorization: `Bearer ${token}` },
    payload: body.payload,
  });
}

const sql = <T = Record<string, unknown>>(query: string, params?: Record<string, string>) =>
  t.app.warehouse.read((db) => db.all<T>(query, params));

const version = async () => (await t.app.inject('/api/health')).json().version as string;

/** Figures for January 2026 (the demo ends in December 2025): Hà Nội and, optionally, HCMC. */
const january = (withHcmc = false) =>
  [
    'unit_code,period,metric,value',
    '01,2026-01,cccd_eligible,"7.012.345"',
    '01,2026-01,cccd_issued,"6.954.321"',
    '01,2026-01,vneid_activated,"5.123.456"',
    ...(withHcmc ? ['79,2026-01,cccd_issued,"11.234.567"'] : []),
  ].join('\n') + '\n';

// (tsx keeps its compile cache there when the reading thread runs from the TypeScript sources)
const uploadsLeft = () => readdirSync(temp).filter((name) => !name.startsWith('tsx-'));

describe('POST /api/ingest', () => {
  it('loads a good file, recomputes its months, changes the data version and audits the batch', async () => {
    const before = await version();
    const res = await upload(admin, { name: 'hanoi-2026-01.csv', content: january() });
    expect(res.statusCode).toBe(200);
    const report = ingestReportSchema.parse(res.json());
    expect(report).toMatchObject({
      file: 'hanoi-2026-01.csv',
      status: 'loaded',
      layout: 'long',
      encoding: 'utf-8',
      rowsRead: 3,
      rowsNew: 3,
      rowsRevised: 0,
      errorCount: 0,
    });
    expect(report.batchId).toMatch(/^b\d+-[0-9a-f]{8}$/);

    const stored = await sql<{ metric: string; value: number; batch_id: string }>(
      `select metric, value, batch_id from observations
       where unit_id = 'p01@2025-07-01' and period = '2026-01' order by metric`,
    );
    expect(stored).toEqual([
      { metric: 'cccd_eligible', value: 7012345, batch_id: report.batchId },
      { metric: 'cccd_issued', value: 6954321, batch_id: report.batchId },
      { metric: 'vneid_activated', value: 5123456, batch_id: report.batchId },
    ]);
    const batch = await sql('select file_name, loaded_by from core.batches where batch_id = $b', {
      b: report.batchId!,
    });
    expect(batch).toEqual([
      { file_name: 'hanoi-2026-01.csv', loaded_by: `token:${adminId} (ingest admin)` },
    ]);
    // the engine ran for January: Hà Nội's own coverage for the month is there
    const actual = await sql<{ actual: number; source: string }>(
      `select actual, source from core.actuals
       where indicator_id = 'cccd_coverage' and unit_id = 'p01@2025-07-01' and period = '2026-01'`,
    );
    expect(actual).toEqual([{ actual: (6954321 / 7012345) * 100, source: 'own' }]);

    const audit = await sql(
      `select token_id, role, label, action, method, route, status, batch_id, detail::json->>'outcome' as outcome
       from core.audit where batch_id = $b`,
      { b: report.batchId! },
    );
    expect(audit).toEqual([
      {
        token_id: adminId,
        role: 'admin',
        label: 'ingest admin',
        action: 'ingest',
        method: 'POST',
        route: '/api/ingest',
        status: 200,
        batch_id: report.batchId,
        outcome: 'loaded',
      },
    ]);
    expect(await version()).not.toBe(before);
    expect(uploadsLeft()).toEqual([]);
  });

  it('says unchanged when the same file comes again, and loads nothing more', async () => {
    const batches = await sql('select count(*)::int n from core.batches');
    const res = await upload(admin, { name: 'hanoi-2026-01.csv', content: january() });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'unchanged',
      batchId: null,
      rowsNew: 0,
      rowsUnchanged: 3,
    });
    expect(await sql('select count(*)::int n from core.batches')).toEqual(batches);
  });

  it('validates without writing on dry_run', async () => {
    const before = await version();
    const res = await upload(
      admin,
      { name: 'revision.csv', content: january().replace('6.954.321', '6.960.000') },
      { dry_run: 'true' },
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'dry_run', rowsRevised: 1, batchId: null });
    expect(await version()).toBe(before);
  });

  it('rejects a bad file with every problem, loads nothing and audits it', async () => {
    const before = await version();
    const history = await sql('select count(*)::int n from observation_history');
    const res = await upload(admin, {
      name: 'unknown-metric.csv',
      content: readFileSync(fixture('unknown-metric.csv')),
    });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.error).toEqual({
      code: 'INGEST_REJECTED',
      message: 'unknown-metric.csv: 2 lỗi; không tải gì / 2 error(s); nothing loaded',
    });
    expect(body).toMatchObject({ status: 'rejected', batchId: null, errorCount: 2 });
    expect(body.errors).toEqual([
      {
        file: 'unknown-metric.csv',
        row: 2,
        column: 'metric',
        value: 'vneid_activ',
        rule: 'unknown_metric',
        message: 'unknown metric: vneid_activ',
        severity: 'error',
      },
      {
        file: 'unknown-metric.csv',
        row: 3,
        column: 'metric',
        value: null,
        rule: 'unknown_metric',
        message: 'metric is empty',
        severity: 'error',
      },
    ]);
    expect(await sql('select count(*)::int n from observation_history')).toEqual(history);
    expect(await version()).toBe(before);
    const audit = await sql(
      `select status, batch_id, detail::json->>'file' as file, detail::json->>'outcome' as outcome
       from core.audit where detail::json->>'file' = 'unknown-metric.csv'`,
    );
    expect(audit).toEqual([
      { status: 422, batch_id: null, file: 'unknown-metric.csv', outcome: 'rejected' },
    ]);
  });

  it("refuses a reporter's row outside their unit with 403, loads nothing and audits it", async () => {
    const history = await sql('select count(*)::int n from observation_history');
    const res = await upload(hanoiReporter, {
      name: 'hanoi-and-hcmc.csv',
      content: january(true).replace('6.954.321', '6.970.000'),
    });
    expect(res.statusCode).toBe(403);
    const body = res.json();
    expect(body.error.code).toBe('OUT_OF_SCOPE');
    // the scope by its name, in both languages, never an id
    expect(body.error.message).toContain('ngoài Thành phố Hà Nội, phạm vi của tài khoản');
    expect(body.error.message).toContain('outside Thành phố Hà Nội, the scope');
    expect(body.status).toBe('rejected');
    expect(body.errors).toEqual([
      {
        file: 'hanoi-and-hcmc.csv',
        row: 5,
        column: 'unit_code',
        value: '79',
        rule: 'out_of_scope',
        message: 'Thành phố Hồ Chí Minh is outside the units this token may report for',
        vi: 'Thành phố Hồ Chí Minh nằm ngoài phạm vi đơn vị mà tài khoản này được báo cáo',
        severity: 'error',
      },
    ]);
    expect(await sql('select count(*)::int n from observation_history')).toEqual(history);
    const audit = await sql(
      `select role, label, status, batch_id, detail::json->>'scope' as scope
       from core.audit where detail::json->>'file' = 'hanoi-and-hcmc.csv'`,
    );
    expect(audit).toEqual([
      {
        role: 'reporter',
        label: 'Hà Nội statistics',
        status: 403,
        batch_id: null,
        scope: 'p01@2025-07-01',
      },
    ]);
  });

  it("a reporter of a merged province may correct its predecessors' figures, not a neighbour's", async () => {
    // An Giang of 1/7/2025 (code 91) continues the old An Giang (89) and Kiên Giang (91)
    const anGiang = t.app.tokens.create('reporter', 'p91@2025-07-01', 'An Giang statistics').token;
    const history = await sql<{ n: number }>('select count(*)::int n from observation_history');
    const own = await upload(anGiang, {
      name: 'an-giang-2024.csv',
      content:
        'unit_code,period,metric,value\n91,2024-12,population,1.800.001\n89,2024-12,population,1.900.002\n',
    });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ status: 'loaded', rowsRead: 2 });
    expect(
      await sql(`select unit_id, value from observations
        where period = '2024-12' and metric = 'population' and unit_id in ('p89', 'p91')
        order by unit_id`),
    ).toEqual([
      { unit_id: 'p89', value: 1900002 },
      { unit_id: 'p91', value: 1800001 },
    ]);
    // Bà Rịa–Vũng Tàu (77) went into Hồ Chí Minh City, not An Giang
    const other = await upload(anGiang, {
      name: 'an-giang-and-77.csv',
      content:
        'unit_code,period,metric,value\n91,2024-12,population,1.800.003\n77,2024-12,population,1.200.000\n',
    });
    expect(other.statusCode).toBe(403);
    expect(other.json().errors).toMatchObject([{ row: 3, value: '77', rule: 'out_of_scope' }]);
    expect(await sql('select count(*)::int n from observation_history')).toEqual([
      { n: history[0].n + 2 },
    ]);
  });

  it("loads a reporter's own figures, recorded as theirs", async () => {
    const res = await upload(hanoiReporter, {
      name: 'hanoi-revision.csv',
      content: january().replace('6.954.321', '6.970.000'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'loaded', rowsRevised: 1, rowsUnchanged: 2 });
  });

  it('refuses a reporter whose unit names nothing today, before reading the file', async () => {
    const { token, stored } = t.app.tokens.create('reporter', '77', 'old Bà Rịa–Vũng Tàu');
    const res = await upload(token, { name: 'x.csv', content: january() });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('TOKEN_UNIT_UNRESOLVED');
    expect(res.json().error.message).toContain(`reporter token ${stored.id} (77)`);
    const audit = await sql(
      `select status, detail::json->>'error' as error from core.audit where token_id = $id`,
      { id: stored.id },
    );
    expect(audit).toEqual([{ status: 403, error: 'TOKEN_UNIT_UNRESOLVED' }]);
  });

  it('answers 413 for a file over the limit, and removes what it received', async () => {
    const big = `unit_code,period,metric,value\n${'01,2026-01,population,8000000\n'.repeat(3000)}`;
    expect(big.length).toBeGreaterThan(LIMIT);
    const res = await upload(admin, { name: 'big.csv', content: big });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(uploadsLeft()).toEqual([]);
    const audit = await sql(
      `select status, detail::json->>'error' as error from core.audit where status = 413`,
    );
    expect(audit).toEqual([{ status: 413, error: 'PAYLOAD_TOO_LARGE' }]);
  });

  it('answers 415 for a body that is not multipart, 400 for a form without a file or with bad fields', async () => {
    const json = await t.app.inject({
      method: 'POST',
      url: '/api/ingest',
      headers: { authorization: `Bearer ${admin}` },
      payload: { file: 'unit_code,period,metric,value' },
    });
    expect(json.statusCode).toBe(415);
    expect(json.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');

    const octets = await t.app.inject({
      method: 'POST',
      url: '/api/ingest',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/octet-stream' },
      payload: Buffer.from(january()),
    });
    expect(octets.statusCode).toBe(415);

    const noFile = await upload(admin, null, { layout: 'long' });
    expect(noFile.statusCode).toBe(400);
    expect(noFile.json().error.message).toContain('no file');

    const badFields = await upload(
      admin,
      { name: 'x.csv', content: january() },
      { layout: 'diagonal', period: 'someday', colour: 'red' },
    );
    expect(badFields.statusCode).toBe(400);
    const message = badFields.json().error.message as string;
    expect(message).toContain('layout');
    expect(message).toContain('period: unreadable period');
    expect(message).toContain('colour');

    const otherField = await form({ name: 'x.csv', content: january() }, {}, 'upload');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/ingest',
      headers: { ...otherField.headers, authorization: `Bearer ${admin}` },
      payload: otherField.payload,
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.message).toContain('field "file"');
    expect(uploadsLeft()).toEqual([]);
  });

  it('takes the layout and period of a wide file from the form', async () => {
    const wide = 'unit_code,cccd_eligible,cccd_issued\n79,"10.100.000","9.900.000"\n';
    const res = await upload(
      admin,
      { name: 'C:\\Users\\so\\Desktop\\hcmc-wide.csv', content: wide },
      { layout: 'wide', period: 'Tháng 1/2026', dry_run: 'false' },
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      file: 'hcmc-wide.csv',
      status: 'loaded',
      layout: 'wide',
      rowsNew: 2,
    });
  });

  it('reads unit names under the parent unit given in the form, and refuses one that names nothing', async () => {
    const named =
      'unit_name,period,metric,value\nThành phố Đà Nẵng,2026-01,vneid_activated,"1.234.567"\n';
    const unknown = await upload(admin, { name: 'da-nang.csv', content: named }, { parent: '77' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('UNKNOWN_UNIT');
    // Đà Nẵng is not under Huế: nothing loads, and the message says where it looked
    const outside = await upload(
      admin,
      { name: 'da-nang.csv', content: named },
      { parent: 'p46@2025-07-01' },
    );
    expect(outside.statusCode).toBe(422);
    expect(outside.json().errors[0].message).toBe(
      'no unit is named "Thành phố Đà Nẵng" on 2026-01-31 under Thành phố Huế: Thành phố Đà Nẵng is not under Thành phố Huế',
    );
    const loaded = await upload(admin, { name: 'da-nang.csv', content: named }, { parent: '48' });
    expect(loaded.statusCode).toBe(200);
    expect(loaded.json()).toMatchObject({ status: 'loaded', rowsNew: 1 });
    expect(
      await sql(
        "select unit_id, value from observations where period = '2026-01' and metric = 'vneid_activated' and unit_id like 'p48%'",
      ),
    ).toEqual([{ unit_id: 'p48@2025-07-01', value: 1234567 }]);
  });
});
