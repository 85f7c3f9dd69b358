// The server's limits (issue 16): failed authentications counted per address, also on the pack's
// review form and for writes without a token, with a bounded audit trail; token comparison in
// constant time; PDF printing and exports behind a Gate (a few at once, a few queued, then 503
// with Retry-After); an out-of-memory during an upload answered as the server's fault, not the
// file's; the shutdown deadline; helmet's headers as they were; private database files. No
// assertion on time: statuses and order only.
import { copyFileSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import fp from 'fastify-plugin';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import app from '../../api/app.ts';
import pages, { type DashboardsOptions } from '../../dashboards/plugin.ts';
import { readConfig, type ServerConfig } from '../../api/config.ts';
import { Gate } from '../../api/plugins/limits.ts';
import { BusyError, serverFault } from '../../api/errors.ts';
import { rejectionFault } from '../../api/routes/ingest.ts';
import { TokenStore } from '../../api/tokens.ts';
import { closeWithin } from '../../cli/server.ts';
import { Database } from '../../pipelines/db/connect.ts';
import { errorAt } from '../../pipelines/load/problems.ts';
import { tempDir } from '../helpers.ts';

// the real timingSafeEqual, watched: verify must call it, and the same way whatever part is wrong
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

interface Built {
  app: FastifyInstance;
  dir: string;
  close: () => Promise<void>;
}

/** The API and the pages on a copy of the demo database, as cli/server.ts composes them. */
async function build(
  overrides: Partial<ServerConfig> = {},
  options: DashboardsOptions = {},
): Promise<Built> {
  const { dir, cleanup } = tempDir();
  const dbPath = join(dir, 'demo.duckdb');
  copyFileSync(inject('demoDb'), dbPath);
  const config = readConfig(
    {},
    { dbPath, tokensPath: join(dir, 'tokens.json'), logLevel: 'silent', ...overrides },
  );
  const fastify = Fastify({ logger: false, bodyLimit: config.bodyLimit });
  await fastify.register(fp(app), { config });
  await fastify.register(pages, options);
  await fastify.ready();
  let closed = false;
  return {
    app: fastify,
    dir,
    close: async () => {
      if (!closed) await fastify.close();
      closed = true;
      cleanup();
    },
  };
}

/** Waits for an assertion to hold: rendering a pack takes a while on a busy machine. */
const until = (check: () => void) => vi.waitFor(check, { timeout: 30_000, interval: 10 });

/** A promise and the function that settles it: a fake printer or export that waits for the test. */
function latch() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** Audit rows written so far: waits for every queued write first (the queue is first in, first out). */
async function auditRows(b: Built, where: string): Promise<{ action: string; status: number }[]> {
  await new Promise((resolve) => setImmediate(resolve));
  await b.app.warehouse.write(async () => undefined);
  return b.app.warehouse.read((db) =>
    db.all(`select action, status from core.audit where ${where} order by "at", status`),
  );
}

const BAD = `ct_${'0'.repeat(12)}_${'A'.repeat(43)}`;

describe('failed authentications, per address', () => {
  let b: Built;
  let analyst: string;
  let admin: string;
  beforeAll(async () => {
    b = await build({ openReads: true });
    analyst = b.app.tokens.create('analyst', null, 'limits analyst').token;
    admin = b.app.tokens.create('admin', null, 'limits admin').token;
  });
  afterAll(async () => b.close());

  const health = (address: string, token?: string) =>
    b.app.inject({
      url: '/api/health',
      remoteAddress: address,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  it('the default limit is ten a minute', () => {
    expect(b.app.config.authFailuresPerMinute).toBe(10);
  });

  it('12 bad tokens in a minute: 429 with Retry-After from the 11th; a valid token from the same address still gets 200', async () => {
    const answers: LightMyRequestResponse[] = [];
    for (let i = 0; i < 12; i++) answers.push(await health('192.0.2.10', BAD));
    expect(answers.map((r) => r.statusCode)).toEqual([...Array(10).fill(401), 429, 429]);
    const locked = answers[10];
    expect(locked.json().error.code).toBe('TOO_MANY_FAILED_AUTH');
    const wait = Number(locked.headers['retry-after']);
    expect(Number.isInteger(wait) && wait >= 1 && wait <= 60).toBe(true);
    expect(locked.headers['www-authenticate']).toBeUndefined();

    expect((await health('192.0.2.10', analyst)).statusCode).toBe(200);
    const tokens = await b.app.inject({
      url: '/api/tokens',
      remoteAddress: '192.0.2.10',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(tokens.statusCode).toBe(200);
    // the lock holds for bad tokens; no token on an open read is no failure; other addresses are free
    expect((await health('192.0.2.10', BAD)).statusCode).toBe(429);
    expect((await health('192.0.2.10')).statusCode).toBe(200);
    expect((await health('198.51.100.10', BAD)).statusCode).toBe(401);
  });

  it('locks the address again only after the window, and writes one audit row per lock', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2026-03-02T08:15:05Z'));
      const statuses: number[] = [];
      for (let i = 0; i < 13; i++) statuses.push((await health('192.0.2.11', BAD)).statusCode);
      expect(statuses).toEqual([...Array(10).fill(401), 429, 429, 429]);
      vi.setSystemTime(new Date('2026-03-02T08:16:06Z'));
      expect((await health('192.0.2.11', BAD)).statusCode).toBe(401);
      expect((await health('192.0.2.11', analyst)).statusCode).toBe(200);
    } finally {
      vi.useRealTimers();
    }
    expect(await auditRows(b, `detail::json->>'address' = '192.0.2.11'`)).toEqual([
      { action: 'auth.locked', status: 429 },
    ]);
  });

  it('counts bad tokens on POST /pack/review the same way: 403, then 429; an admin token still saves', async () => {
    const review = (token: string) =>
      b.app.inject({
        method: 'POST',
        url: '/pack/review',
        remoteAddress: '192.0.2.12',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ token, unit: 'VN', period: '2025-Q4' }).toString(),
      });
    const answers: LightMyRequestResponse[] = [];
    for (let i = 0; i < 12; i++) answers.push(await review(i % 2 ? BAD : 'not a token'));
    expect(answers.map((r) => r.statusCode)).toEqual([...Array(10).fill(403), 429, 429]);
    expect(answers[10].headers['retry-after']).toMatch(/^\d+$/);
    expect(answers[10].headers['content-type']).toMatch(/^text\/html/);
    // the same count as bearer tokens: the address is locked for the API too
    expect((await health('192.0.2.12', BAD)).statusCode).toBe(429);

    const saved = await review(admin);
    expect(saved.statusCode).toBe(303);
    const rows = await auditRows(
      b,
      `detail::json->>'address' = '192.0.2.12' or (action = 'pack.review' and status = 303)`,
    );
    expect(rows).toEqual([
      ...Array(10).fill({ action: 'pack.review', status: 403 }),
      { action: 'auth.locked', status: 429 },
      { action: 'pack.review', status: 303 },
    ]);
  });

  it('a flood of uploads without a token writes a bounded number of audit rows', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await b.app.inject({
        method: 'POST',
        url: '/api/ingest',
        remoteAddress: '192.0.2.13',
        payload: {},
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([...Array(10).fill(401), ...Array(30).fill(429)]);
    expect(await auditRows(b, `detail::json->>'address' = '192.0.2.13'`)).toEqual([
      ...Array(10).fill({ action: 'ingest', status: 401 }),
      { action: 'auth.locked', status: 429 },
    ]);
    // a reporter's or admin's token from that address is not held up
    const res = await b.app.inject({
      method: 'POST',
      url: '/api/ingest',
      remoteAddress: '192.0.2.13',
      headers: { authorization: `Bearer ${admin}` },
      payload: {},
    });
    expect(res.statusCode).toBe(415);
  });
});

describe('TokenStore.verify', () => {
  const { dir, cleanup } = tempDir();
  const store = new TokenStore(join(dir, 'tokens.json'));
  const { token, stored } = store.create('admin', null, 'timing');
  const other = store.create('viewer', null, 'other');
  store.create('analyst', null, 'third');
  afterAll(cleanup);

  const secretAt = `ct_${stored.id}_`.length;
  /** The token with one character changed, still well formed (hex in the id). */
  const swap = (text: string, at: number) => {
    const by = at < secretAt ? (text[at] === '0' ? '1' : '0') : text[at] === 'A' ? 'B' : 'A';
    return text.slice(0, at) + by + text.slice(at + 1);
  };

  it('accepts the token and refuses it with any one character changed', () => {
    expect(store.verify(token)?.id).toBe(stored.id);
    for (const at of [3, 14, secretAt, secretAt + 21, token.length - 1]) {
      expect(store.verify(swap(token, at)), `changed at ${at}`).toBeNull();
    }
    // another token's id with this secret, and this id with another's secret
    expect(store.verify(`ct_${other.stored.id}_${token.slice(secretAt)}`)).toBeNull();
    expect(store.verify(`ct_${stored.id}_${other.token.slice(secretAt)}`)).toBeNull();
  });

  it('compares 32-byte SHA-256 digests with timingSafeEqual, the same calls whatever part is wrong', () => {
    const spy = vi.mocked(timingSafeEqual);
    const calls = (text: string) => {
      spy.mockClear();
      store.verify(text);
      return spy.mock.calls.map(([a, b]) => [(a as Buffer).length, (b as Buffer).length]);
    };
    const right = calls(token);
    // every stored token is compared (id and secret), never stopping at a match or a miss
    expect(right).toEqual(Array(6).fill([32, 32]));
    expect(calls(swap(token, secretAt))).toEqual(right);
    expect(calls(swap(token, token.length - 1))).toEqual(right);
    expect(calls(swap(token, 3))).toEqual(right);
  });

  it('refuses a revoked token after the same comparisons', () => {
    const revoked = store.create('admin', null, 'gone');
    store.revoke(revoked.stored.id);
    expect(store.verify(revoked.token)).toBeNull();
  });
});

describe('the Gate', () => {
  const options = {
    concurrency: 1,
    queue: 1,
    maxWaitMs: 60_000,
    retryAfter: 7,
    code: 'TEST_BUSY',
    en: 'busy testing',
    vi: 'đang bận thử',
  };

  it('runs one, queues one, refuses the next at once with Retry-After, in both languages', async () => {
    const gate = new Gate(options);
    const order: string[] = [];
    const first = latch();
    const a = gate.run(async () => {
      order.push('a starts');
      await first.opened;
      order.push('a ends');
    });
    const b = gate.run(async () => {
      order.push('b starts');
    });
    const c = gate.run(async () => order.push('c starts'));
    const refused = await c.catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BusyError);
    const busy = refused as BusyError;
    expect([busy.statusCode, busy.code, busy.retryAfter]).toEqual([503, 'TEST_BUSY', 7]);
    expect(busy.message).toBe('busy testing; retry in 7 s');
    expect(busy.vi).toBe('đang bận thử; vui lòng thử lại sau 7 giây');
    expect(gate.load).toEqual({ active: 1, queued: 1 });
    first.open();
    await Promise.all([a, b]);
    expect(order).toEqual(['a starts', 'a ends', 'b starts']);
    expect(gate.load).toEqual({ active: 0, queued: 0 });
  });

  it('gives the slot back when the work fails, and a release twice counts once', async () => {
    const gate = new Gate({ ...options, queue: 0 });
    await expect(gate.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const release = await gate.acquire();
    release();
    release();
    expect(gate.load).toEqual({ active: 0, queued: 0 });
    const again = await gate.acquire();
    await expect(gate.acquire()).rejects.toBeInstanceOf(BusyError);
    again();
  });

  it('refuses a waiter that waited too long', async () => {
    vi.useFakeTimers();
    try {
      const gate = new Gate({ ...options, maxWaitMs: 1000 });
      const held = await gate.acquire();
      const waiting = gate.acquire().catch((e: unknown) => e);
      expect(gate.load.queued).toBe(1);
      await vi.advanceTimersByTimeAsync(1000);
      expect(await waiting).toBeInstanceOf(BusyError);
      expect(gate.load).toEqual({ active: 1, queued: 0 });
      held();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('printing /pack.pdf', () => {
  let b: Built;
  const printing = { now: 0, most: 0, calls: 0, latch: latch() };
  beforeAll(async () => {
    b = await build(
      { pdfConcurrency: 1, pdfQueue: 1 },
      {
        printer: async () => {
          printing.calls++;
          printing.most = Math.max(printing.most, ++printing.now);
          await printing.latch.opened;
          printing.now--;
          return Buffer.from('%PDF-1.7 fake');
        },
      },
    );
  });
  afterAll(async () => b.close());

  it('with one printer and one place in the queue, three at once: one 503 with Retry-After, in the reader’s language', async () => {
    const settled: LightMyRequestResponse[] = [];
    // cache-busting: each URL is printed afresh
    const asks = [1, 2, 3].map((n) =>
      b.app.inject(`/pack.pdf?unit=VN&period=2025-Q4&n=${n}`).then((r) => (settled.push(r), r)),
    );
    await until(() => expect(settled).toHaveLength(1));
    expect(printing.calls).toBe(1);
    const busy = settled[0];
    expect(busy.statusCode).toBe(503);
    expect(busy.headers['retry-after']).toBe('15');
    expect(busy.headers['content-type']).toMatch(/^application\/json/);
    expect(busy.headers['content-disposition']).toBeUndefined();
    expect(busy.json()).toEqual({
      error: {
        code: 'PRINT_BUSY',
        message: 'máy chủ đang bận in các báo cáo khác; vui lòng thử lại sau 15 giây',
      },
    });

    printing.latch.open();
    const answers = await Promise.all(asks);
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 200, 503]);
    expect(printing).toMatchObject({ calls: 2, most: 1 });
    const printed = answers.find((r) => r.statusCode === 200)!;
    expect(printed.headers['content-type']).toBe('application/pdf');
    expect(printed.headers['content-disposition']).toMatch(/^attachment; filename="bao-cao-quy-/);
  });

  it('answers in English on the English page', async () => {
    printing.latch = latch();
    const settled: LightMyRequestResponse[] = [];
    const asks = [4, 5, 6].map((n) =>
      b.app
        .inject(`/pack.pdf?unit=VN&period=2025-Q4&lang=en&n=${n}`)
        .then((r) => (settled.push(r), r)),
    );
    await until(() => expect(settled).toHaveLength(1));
    expect(settled[0].statusCode).toBe(503);
    expect(settled[0].json().error.message).toBe(
      'the server is busy printing other packs; retry in 15 s',
    );
    printing.latch.open();
    expect((await Promise.all(asks)).map((r) => r.statusCode).sort()).toEqual([200, 200, 503]);
  });
});

describe('exports', () => {
  let b: Built;
  beforeAll(async () => {
    b = await build({ exportConcurrency: 1, exportQueue: 1 });
  });
  afterAll(async () => b.close());

  it('run one at a time here: with the slot held, one waits and the next is 503 with Retry-After', async () => {
    const gate = b.app.limits.exports;
    // a slow export, in the slot
    const slow = await gate.acquire();
    const settled: string[] = [];
    const waiting = b.app
      .inject('/api/export/progress.csv?unit=91&from=2025-01&to=2025-03')
      .then((r) => (settled.push('waiting'), r));
    await until(() => expect(gate.load).toEqual({ active: 1, queued: 1 }));
    const refused = await b.app.inject('/api/export/observations.parquet?unit=91');
    settled.push('refused');
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('10');
    expect(refused.json()).toEqual({
      error: { code: 'EXPORTS_BUSY', message: 'too many exports are running; retry in 10 s' },
    });
    slow();
    const done = await waiting;
    expect(settled).toEqual(['refused', 'waiting']);
    expect(done.statusCode).toBe(200);
    expect(done.headers['content-type']).toMatch(/^text\/csv/);
    // every export gives its slot back once its stream has ended
    await until(() => expect(gate.load).toEqual({ active: 0, queued: 0 }));
    for (const format of ['csv', 'arrow', 'parquet']) {
      const res = await b.app.inject(`/api/export/observations.${format}?unit=91&from=2025-12`);
      expect(res.statusCode).toBe(200);
      await until(() => expect(gate.load).toEqual({ active: 0, queued: 0 }));
    }
    // and after a refusal by the caller's mistake
    expect((await b.app.inject('/api/export/observations.csv?unit=nowhere')).statusCode).toBe(404);
    await until(() => expect(gate.load).toEqual({ active: 0, queued: 0 }));
  });
});

describe("an upload that fails on the server's side", () => {
  let b: Built;
  let admin: string;
  beforeAll(async () => {
    b = await build();
    admin = b.app.tokens.create('admin', null, 'oom').token;
  });
  afterAll(async () => b.close());

  /** A file that loads: January 2026 for Hà Nội. */
  const upload = async () => {
    const csv = [
      'unit_code,period,metric,value',
      '01,2026-01,cccd_eligible,"7.012.345"',
      '01,2026-01,cccd_issued,"6.954.321"',
    ].join('\n');
    const data = new FormData();
    data.append('file', new Blob([csv + '\n']), 'fine.csv');
    const encoded = new Response(data);
    return b.app.inject({
      method: 'POST',
      url: '/api/ingest',
      headers: {
        'content-type': encoded.headers.get('content-type')!,
        authorization: `Bearer ${admin}`,
      },
      payload: Buffer.from(await encoded.arrayBuffer()),
    });
  };

  it('is a 503 SERVER_OUT_OF_MEMORY with Retry-After when DuckDB runs out of memory, not a 422', async () => {
    await b.app.warehouse.write((db) => db.run("set memory_limit = '8MB'"));
    let res: LightMyRequestResponse;
    try {
      res = await upload();
    } finally {
      await b.app.warehouse.write((db) => db.run("set memory_limit = '400MB'"));
    }
    expect(res.statusCode, res.body.slice(0, 500)).toBe(503);
    expect(res.json().error.code).toBe('SERVER_OUT_OF_MEMORY');
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.body).not.toMatch(/Out of Memory Error|KiB|duckdb/i);
    // the same file, memory back: loaded
    const again = await upload();
    expect(again.statusCode, again.body.slice(0, 500)).toBe(200);
    expect(again.json().status).toBe('loaded');
  });

  it('tells server faults from the file’s own problems', () => {
    const whole = (message: string, rule = 'csv') =>
      errorAt('f.csv', null, null, null, rule, message);
    expect(
      rejectionFault([
        whole(
          'Out of Memory Error: failed to allocate data of size 2.0 MiB (380.0 MiB/381.4 MiB used) (mixed line endings or stray quotes are the usual cause)',
        ),
      ]),
    ).toBe('out_of_memory');
    expect(
      rejectionFault([
        whole(
          'IO Error: Could not write file "/srv/data/chitieu.duckdb.tmp/x": No space left on device',
        ),
      ]),
    ).toBe('io');
    expect(
      rejectionFault([whole('not a readable .xlsx workbook: EMFILE: too many open files', 'xlsx')]),
    ).toBe('io');
    expect(
      rejectionFault([
        whole('INTERNAL Error: Attempted to access index 3 within vector of size 3'),
      ]),
    ).toBe('internal');
    // the file's fault stays the file's
    for (const message of [
      'Invalid Input Error: CSV Error on Line: 3 Expected Number of Columns: 4 Found: 5',
      'Conversion Error: Could not convert string "abc" to DOUBLE',
      'IO Error: Input is not a GZip stream',
      'the file is empty',
    ]) {
      expect(rejectionFault([whole(message)]), message).toBeNull();
    }
    // a row's message may quote the file's text: never read as a fault
    expect(
      rejectionFault([
        errorAt(
          'f.csv',
          4,
          'metric',
          'Out of Memory Error',
          'unknown_metric',
          'unknown metric: Out of Memory Error',
        ),
      ]),
    ).toBeNull();
    expect(serverFault('Error: ENOSPC: no space left on device, write')).toBe('io');
  });
});

describe('shutting down', () => {
  it('cuts a slow export still running after the deadline, and the close completes', async () => {
    const b = await build({ exportConcurrency: 1, exportQueue: 1 });
    try {
      const url = await b.app.listen({ host: '127.0.0.1', port: 0 });
      // an export in flight that will not finish by itself: it waits for the slot the test holds
      const slow = await b.app.limits.exports.acquire();
      const answer = new Promise<string>((resolve) => {
        const req = httpRequest(`${url}/api/export/observations.csv`, (res) =>
          resolve(`status ${res.statusCode}`),
        );
        req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
        req.end();
      });
      await until(() => expect(b.app.limits.exports.load.queued).toBe(1));
      expect(await closeWithin(b.app, 200)).toBe('forced');
      expect(await answer).toBe('ECONNRESET');
      slow();
    } finally {
      await b.close();
    }
  });

  it('closes cleanly when nothing is in flight', async () => {
    const b = await build();
    try {
      await b.app.listen({ host: '127.0.0.1', port: 0 });
      expect(await closeWithin(b.app, 10_000)).toBe('clean');
    } finally {
      await b.close();
    }
  });

  it('reads CHITIEU_SHUTDOWN_MS and the limits from the environment', () => {
    const config = readConfig({
      CHITIEU_SHUTDOWN_MS: '2500',
      CHITIEU_EXPORT_CONCURRENCY: '3',
      CHITIEU_EXPORT_QUEUE: '0',
      CHITIEU_PDF_CONCURRENCY: '2',
      CHITIEU_PDF_QUEUE: '5',
    });
    expect(config).toMatchObject({
      shutdownMs: 2500,
      exportConcurrency: 3,
      exportQueue: 0,
      pdfConcurrency: 2,
      pdfQueue: 5,
    });
    expect(readConfig({})).toMatchObject({
      shutdownMs: 10_000,
      exportConcurrency: 2,
      exportQueue: 8,
      pdfConcurrency: 1,
      pdfQueue: 2,
      authFailuresPerMinute: 10,
    });
    expect(() => readConfig({ CHITIEU_PDF_CONCURRENCY: '0' })).toThrow(
      'invalid CHITIEU_PDF_CONCURRENCY: 0',
    );
  });
});

describe('security headers (helmet)', () => {
  let b: Built;
  beforeAll(async () => {
    b = await build();
  });
  afterAll(async () => b.close());

  // what api/plugins/security.ts sent by hand before helmet did it
  const BEFORE = {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
  const CSP_BEFORE = [
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self' 'unsafe-inline'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ];
  const HELMET_EXTRAS = [
    'strict-transport-security',
    'x-dns-prefetch-control',
    'x-download-options',
    'x-permitted-cross-domain-policies',
    'x-xss-protection',
    'origin-agent-cluster',
    'cross-origin-embedder-policy',
  ];

  it.each([
    ['a page', '/', 200],
    ['an API route', '/api/health', 200],
    ['an error', '/api/nope', 404],
    ['a refusal', '/api/tokens', 401],
  ])('are the same as before on %s', async (_what, url, status) => {
    const res = await b.app.inject(url);
    expect(res.statusCode).toBe(status);
    expect(res.headers).toMatchObject(BEFORE);
    const csp = String(res.headers['content-security-policy'])
      .split(';')
      .map((d) => d.trim());
    expect(csp).toEqual(CSP_BEFORE);
    for (const header of HELMET_EXTRAS) expect(res.headers[header], header).toBeUndefined();
  });
});

describe('database files', () => {
  it('are created readable by their owner only, the WAL too', async () => {
    const { dir, cleanup } = tempDir();
    const path = join(dir, 'private.duckdb');
    const db = await Database.open(path);
    try {
      await db.run('create table t as select 1 as x');
      await db.run('insert into t values (2)');
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(`${path}.wal`).mode & 0o777).toBe(0o600);
    } finally {
      db.close();
      cleanup();
    }
  });
});
