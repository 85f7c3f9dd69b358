// The upload pages through app.inject with a signed-in browser: the form, a preview of a file with
// an error (the Vietnamese problem table), the fixed file's preview and its confirmation (stored,
// recorded under the login), a preview used up or not one's own, a reporter's scope, an empty
// file, the history, and the roles that may not upload.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApp, type TestApp } from './app.ts';
import { addUser, browser, csrfOf, get, post, signIn, type Browser } from './signin.ts';

let t: TestApp;
let temp: string;
const reporter = browser('10.0.0.1');
const other = browser('10.0.0.2');
const admin = browser('10.0.0.3');
const viewer = browser('10.0.0.4');

beforeAll(async () => {
  t = await demoApp();
  // previews and the pipeline's work files go to os.tmpdir(): this file's own folder, so that
  // "nothing is left behind" can be checked exactly
  temp = join(t.dir, 'tmp');
  mkdirSync(temp);
  process.env.TMPDIR = temp;
  await addUser(t.app, 'hn.reporter', 'reporter', 'p01@2025-07-01');
  await addUser(t.app, 'hn.other', 'reporter', 'p01@2025-07-01');
  await addUser(t.app, 'boss', 'admin');
  await addUser(t.app, 'reader', 'viewer');
  for (const [b, login] of [
    [reporter, 'hn.reporter'],
    [other, 'hn.other'],
    [admin, 'boss'],
    [viewer, 'reader'],
  ] as const) {
    const res = await signIn(t.app, b, login, `correct horse ${login.length} battery staple`);
    expect(res.statusCode, res.body).toBe(303);
  }
});
afterAll(async () => t.close());

/** POST a multipart form as the browser's page sends it: the CSRF field first, then the file. */
export async function postFile(
  app: FastifyInstance,
  b: Browser,
  url: string,
  file: { name: string; content: string | Buffer },
  fields: Record<string, string>,
) {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  data.append(
    'file',
    new Blob([typeof file.content === 'string' ? file.content : new Uint8Array(file.content)]),
    file.name,
  );
  const encoded = new Response(data);
  return app.inject({
    method: 'POST',
    url,
    remoteAddress: b.address,
    headers: {
      'content-type': encoded.headers.get('content-type')!,
      ...(b.cookie ? { cookie: b.cookie } : {}),
    },
    payload: Buffer.from(await encoded.arrayBuffer()),
  });
}

/** The upload form's CSRF token for this browser. */
async function token(b: Browser): Promise<string> {
  const page = await get(t.app, b, '/upload');
  expect(page.statusCode, page.body).toBe(200);
  return csrfOf(page.body);
}

const preview = async (b: Browser, name: string, content: string, fields = {}) =>
  postFile(t.app, b, '/upload/preview', { name, content }, { _csrf: await token(b), ...fields });

const confirmId = (body: string) => /name="id" value="([^"]+)"/.exec(body)?.[1] ?? null;

const value = async (code: string, period: string, metric: string) =>
  t.app.warehouse.read(async (db) =>
    db.all<{ value: number; loaded_by: string }>(
      `select o.value, b.loaded_by from observations o join core.batches b using (batch_id)
       where o.unit_code = $code and o.period = $period and o.metric = $metric`,
      { code, period, metric },
    ),
  );

const HEADER = 'unit_code,period,metric,value\n';

describe('the upload form', () => {
  it('sends a visitor to sign in, refuses a viewer in words, and shows a reporter the form', async () => {
    const anonymous = await get(t.app, browser('10.0.0.9'), '/upload');
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login\?next=%2Fupload/);

    const refused = await get(t.app, viewer, '/upload');
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('không được làm việc này');

    const page = await get(t.app, reporter, '/upload');
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('enctype="multipart/form-data"');
    expect(page.body).toContain('name="_csrf"');
    expect(page.body).toContain('Hà Nội');
    expect(page.body).toContain('action="/api/template"');
    // the site's strict CSP holds: no script at all
    expect(page.body).not.toMatch(/<script|onclick=|onchange=/i);
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
  });

  it('refuses a preview whose CSRF token is missing or wrong, loading nothing', async () => {
    const res = await postFile(
      t.app,
      reporter,
      '/upload/preview',
      { name: 'a.csv', content: `${HEADER}01,2026-01,cccd_issued,5\n` },
      { _csrf: 'forged' },
    );
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Biểu mẫu đã hết hạn');
    expect(await value('01', '2026-01', 'cccd_issued')).toEqual([]);
  });
});

describe('preview and confirm', () => {
  it('shows every problem in Vietnamese with how to fix it, and offers no confirm', async () => {
    const res = await preview(reporter, 'loi.csv', `${HEADER}01,2026-01,cccd_issued,abc\n`);
    expect(res.statusCode).toBe(200);
    // the reader's own Vietnamese, or the catalogue's by rule (pipelines/load/messages.ts)
    expect(res.body).toMatch(/[Kk]hông phải là số/);
    expect(res.body).toContain('Chỉ ghi chữ số');
    expect(res.body).toMatch(/<td>2<\/td>\s*<td>value<\/td>\s*<td>abc<\/td>/);
    expect(confirmId(res.body)).toBeNull();
    expect(readdirSync(temp).filter((n) => n.startsWith('chitieu-upload-preview-'))).toEqual([]);
  });

  it('previews the fixed file, then loads exactly it under the login', async () => {
    const res = await preview(
      reporter,
      'dung.csv',
      `${HEADER}01,2026-01,cccd_issued,7700000\n01,2026-01,cccd_eligible,8000000\n`,
    );
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/Số liệu mới<\/th>\s*<td>2<\/td>/);
    expect(await value('01', '2026-01', 'cccd_issued')).toEqual([]);
    const id = confirmId(res.body)!;
    expect(id).toMatch(/^[\w-]{20,}$/);
    // the file waits in a private folder of its own
    expect(readdirSync(temp).filter((n) => n.startsWith('chitieu-upload-preview-'))).toHaveLength(
      1,
    );

    // another reporter cannot confirm it
    const stolen = await post(t.app, other, '/upload/confirm', {
      _csrf: await token(other),
      id,
    });
    expect(stolen.statusCode).toBe(410);

    const done = await post(t.app, reporter, '/upload/confirm', {
      _csrf: csrfOf(res.body),
      id,
    });
    expect(done.statusCode, done.body).toBe(200);
    const batch = /lô số liệu (b[\w-]+)/.exec(done.body)?.[1];
    expect(batch).toBeDefined();
    expect(done.body).toContain('/unit/p01%402025-07-01');
    expect(await value('01', '2026-01', 'cccd_issued')).toEqual([
      { value: 7700000, loaded_by: 'user:hn.reporter' },
    ]);
    const audit = await t.app.warehouse.read((db) =>
      db.all(
        `select token_id, label, status, batch_id from core.audit
         where action = 'upload.confirm' and status = 200`,
      ),
    );
    expect(audit).toEqual([
      { token_id: 'user:hn.reporter', label: 'hn.reporter', status: 200, batch_id: batch },
    ]);
    expect(readdirSync(temp).filter((n) => n.startsWith('chitieu-upload-preview-'))).toEqual([]);

    // a preview is used once
    const again = await post(t.app, reporter, '/upload/confirm', { _csrf: csrfOf(res.body), id });
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain('Bản xem trước này không còn');
  });

  it("refuses a reporter's rows outside its unit, whole and in words", async () => {
    const res = await preview(
      reporter,
      'ngoai.csv',
      `${HEADER}01,2026-02,cccd_issued,5\n79,2026-02,cccd_issued,6\n`,
    );
    expect(res.body).toContain('ngoài phạm vi bạn được giao');
    expect(res.body).toMatch(/<td>79<\/td>\s*<td>[^<]*nằm ngoài phạm vi/);
    expect(confirmId(res.body)).toBeNull();
    expect(await value('01', '2026-02', 'cccd_issued')).toEqual([]);
  });

  it('lets an admin load for any unit', async () => {
    const res = await preview(admin, 'hcm.csv', `${HEADER}79,2026-02,cccd_issued,9\n`);
    const done = await post(t.app, admin, '/upload/confirm', {
      _csrf: csrfOf(res.body),
      id: confirmId(res.body)!,
    });
    expect(done.statusCode, done.body).toBe(200);
    const [row] = await t.app.warehouse.read((db) =>
      db.all(
        `select o.value, b.loaded_by from observations o join core.batches b using (batch_id)
         where o.unit_code = '79' and o.period = '2026-02' and o.metric = 'cccd_issued'`,
      ),
    );
    expect(row).toEqual({ value: 9, loaded_by: 'user:boss' });
  });

  it('says a file without a figure has nothing to load', async () => {
    const res = await preview(
      reporter,
      'trong.csv',
      'unit_code,unit_name,period,Số thẻ CCCD đã cấp\n01,Hà Nội,2026-03,\n',
    );
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Tệp không có số liệu nào');
    expect(confirmId(res.body)).toBeNull();
  });

  it('takes the thousands mark from the form, and says what reading decided', async () => {
    // an office form: a title giving the month, names without codes, "20.000" written as text
    const form =
      'BÁO CÁO KẾT QUẢ TRIỂN KHAI ĐỀ ÁN 06 THÁNG 5/2026\n' +
      '\n' +
      'STT,Đơn vị,Số thẻ CCCD đã cấp\n' +
      '1,Hà Nội,"20.000"\n' +
      '2,Thành phố Hồ Chí Minh,"48.215"\n';
    const refused = await preview(admin, 'thang-5.csv', form);
    expect(confirmId(refused.body)).toBeNull();
    expect(refused.body).toContain('ô «Dấu phân cách hàng nghìn» của trang tải lên');
    const page = await get(t.app, admin, '/upload');
    expect(page.body).toContain('<select name="thousands">');
    const res = await preview(admin, 'thang-5.csv', form, { thousands: '.' });
    expect(res.body).toMatch(/Số liệu mới<\/th>\s*<td>2<\/td>/);
    // the period comes from the title, and the page says so
    expect(res.body).toContain('Khi đọc tệp');
    expect(res.body).toContain('kỳ báo cáo 2026-05 lấy từ tiêu đề');
    const done = await post(t.app, admin, '/upload/confirm', {
      _csrf: csrfOf(res.body),
      id: confirmId(res.body)!,
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(await value('01', '2026-05', 'cccd_issued')).toEqual([
      { value: 20000, loaded_by: 'user:boss' },
    ]);
    expect(await value('79', '2026-05', 'cccd_issued')).toEqual([
      { value: 48215, loaded_by: 'user:boss' },
    ]);
  });

  it('reads a wide file with the period and the sheet given on the form', async () => {
    const res = await preview(reporter, 'rong.csv', 'unit_code,cccd_issued\n01,7800000\n', {
      period: '2026-04',
      parent: '',
    });
    expect(res.body, res.body).toMatch(/Số liệu mới<\/th>\s*<td>1<\/td>/);
  });
});

describe('my uploads', () => {
  it("lists one's own previews and uploads; an admin sees everyone's", async () => {
    const mine = await get(t.app, reporter, '/upload/mine');
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain('Tải lên của tôi');
    expect(mine.body).toContain('dung.csv');
    expect(mine.body).toContain('Đã tải');
    const others = await get(t.app, other, '/upload/mine');
    expect(others.body).not.toContain('dung.csv');
    const all = await get(t.app, admin, '/upload/mine');
    expect(all.body).toContain('Mọi lần tải lên');
    expect(all.body).toContain('hn.reporter');
    expect(all.body).toContain('dung.csv');
    expect((await get(t.app, viewer, '/upload/mine')).statusCode).toBe(403);
  });

  it('is in English on the switch', async () => {
    const page = await get(t.app, reporter, '/upload/mine?lang=en');
    expect(page.body).toContain('My uploads');
  });
});
