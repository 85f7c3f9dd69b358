// Who may do what: every kind of caller against a read, an SQL query and an upload, with reads
// open and closed; the 429 after repeated failures (which never locks out a valid token); no
// stack trace in a 500; refusals of writes are audited.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inject } from 'vitest';
import app from '../../api/app.ts';
import pages from '../../dashboards/plugin.ts';
import { readConfig, type ServerConfig } from '../../api/config.ts';
import { tempDir } from '../helpers.ts';

interface Built {
  app: FastifyInstance;
  close: () => Promise<void>;
}

/** The app on a copy of the demo database, with a route of this test's own that crashes. */
async function build(overrides: Partial<ServerConfig>): Promise<Built> {
  const { dir, cleanup } = tempDir();
  const dbPath = join(dir, 'demo.duckdb');
  copyFileSync(inject('demoDb'), dbPath);
  const config = readConfig(
    {},
    { dbPath, tokensPath: join(dir, 'tokens.json'), logLevel: 'silent', ...overrides },
  );
  const fastify = Fastify({ logger: false, bodyLimit: config.bodyLimit });
  await fastify.register(fp(app), { config });
  await fastify.register(pages);
  fastify.post('/api/test/crash', { config: { access: 'admin' } }, async () => {
    throw new Error('secret detail: connection string duckdb:/srv/private.duckdb');
  });
  await fastify.ready();
  return {
    app: fastify,
    close: async () => {
      await fastify.close();
      cleanup();
    },
  };
}

const CALLERS = [
  'none',
  'bad token',
  'revoked',
  'viewer',
  'reporter',
  'planner',
  'analyst',
  'admin',
] as const;
type Caller = (typeof CALLERS)[number];
type Need = 'read' | 'sql' | 'ingest' | 'plan' | 'admin';

/** What each role may do, as the contract states it (DESIGN.md §5, §5.1). */
const MAY: Record<'viewer' | 'reporter' | 'planner' | 'analyst' | 'admin', Need[]> = {
  viewer: ['read'],
  reporter: ['read', 'ingest'],
  planner: ['read', 'plan'],
  analyst: ['read', 'sql'],
  admin: ['read', 'sql', 'ingest', 'plan', 'admin'],
};

function expected(caller: Caller, need: Need, openReads: boolean): 'allowed' | 401 | 403 {
  if (caller === 'bad token' || caller === 'revoked') return 401;
  if (caller === 'none') return need === 'read' && openReads ? 'allowed' : 401;
  return MAY[caller].includes(need) ? 'allowed' : 403;
}

interface Route {
  name: string;
  need: Need;
  method: 'GET' | 'POST';
  url: string;
  payload?: object;
  /** the status an allowed caller gets, when the route is certain to exist */
  allowed?: number;
}

const ROUTES: Route[] = [
  { name: 'GET /api/health', need: 'read', method: 'GET', url: '/api/health', allowed: 200 },
  {
    name: 'GET /api/scorecard',
    need: 'read',
    method: 'GET',
    url: '/api/scorecard?unit=VN&period=2025-Q4',
  },
  {
    name: 'POST /api/sql',
    need: 'sql',
    method: 'POST',
    url: '/api/sql',
    payload: { sql: 'select 1' },
    allowed: 200,
  },
  // not multipart: an allowed caller gets as far as the route, which refuses the body
  {
    name: 'POST /api/ingest',
    need: 'ingest',
    method: 'POST',
    url: '/api/ingest',
    payload: {},
    allowed: 415,
  },
  { name: 'GET /api/tokens', need: 'admin', method: 'GET', url: '/api/tokens', allowed: 200 },
  // JSON, not a plan file's YAML: an admin gets as far as the route, which refuses the body
  {
    name: 'POST /api/plans',
    need: 'admin',
    method: 'POST',
    url: '/api/plans',
    payload: {},
    allowed: 415,
  },
  // Kiên Giang's plan: within the matrix planner's scope (An Giang continues Kiên Giang)
  {
    name: 'GET /api/tasks/{plan_id}/{seq}',
    need: 'read',
    method: 'GET',
    url: '/api/tasks/qd-740-2022-kien-giang/1',
    allowed: 200,
  },
  {
    name: 'POST /api/tasks/{plan_id}/{seq}/status',
    need: 'plan',
    method: 'POST',
    url: '/api/tasks/qd-740-2022-kien-giang/1/status',
    payload: { status: 'in_progress', as_of: '2025-06-01', note: 'matrix' },
    allowed: 201,
  },
  {
    name: 'GET /api/procedures/{plan_id}/{seq}',
    need: 'read',
    method: 'GET',
    url: '/api/procedures/qd-740-2022-kien-giang/1',
    allowed: 200,
  },
  {
    name: 'POST /api/procedures/{plan_id}/{seq}/status',
    need: 'plan',
    method: 'POST',
    url: '/api/procedures/qd-740-2022-kien-giang/1/status',
    payload: { status: 'done', as_of: '2025-06-01', note: 'matrix' },
    allowed: 201,
  },
];

for (const openReads of [true, false]) {
  describe(`the access matrix with reads ${openReads ? 'open' : 'closed'}`, () => {
    let b: Built;
    const tokens = {} as Record<Caller, string | undefined>;
    beforeAll(async () => {
      b = await build({ openReads, authFailuresPerMinute: 1000 });
      for (const role of ['viewer', 'analyst', 'admin'] as const) {
        tokens[role] = b.app.tokens.create(role, null, `matrix ${role}`).token;
      }
      tokens.reporter = b.app.tokens.create('reporter', 'p79@2025-07-01', 'matrix reporter').token;
      tokens.planner = b.app.tokens.create('planner', 'p91@2025-07-01', 'matrix planner').token;
      const revoked = b.app.tokens.create('admin', null, 'matrix revoked');
      b.app.tokens.revoke(revoked.stored.id);
      tokens.revoked = revoked.token;
      tokens['bad token'] = `ct_${'0'.repeat(12)}_${'A'.repeat(43)}`;
    });
    afterAll(async () => b.close());

    for (const route of ROUTES) {
      for (const caller of CALLERS) {
        const want = expected(caller, route.need, openReads);
        it(`${caller} → ${route.name}: ${want}`, async () => {
          const path = route.url.split('?')[0];
          expect(
            b.app.hasRoute({
              method: route.method,
              url: path.replace(/^\/api\/(tasks|procedures)\/[^/]+\/\d+/, '/api/$1/:plan_id/:seq'),
            }),
          ).toBe(true);
          const token = tokens[caller];
          const res = await b.app.inject({
            method: route.method,
            url: route.url,
            ...(route.payload ? { payload: route.payload } : {}),
            headers: token ? { authorization: `Bearer ${token}` } : {},
          });
          if (want === 'allowed') {
            expect([401, 403]).not.toContain(res.statusCode);
            if (route.allowed) expect(res.statusCode).toBe(route.allowed);
          } else {
            expect(res.statusCode).toBe(want);
            expect(res.json().error.code).toBe(
              want === 403 ? 'FORBIDDEN' : token ? 'INVALID_TOKEN' : 'UNAUTHENTICATED',
            );
            if (want === 401) expect(res.headers['www-authenticate']).toMatch(/^Bearer realm=/);
          }
        });
      }
    }

    it('audits refused uploads with who tried and why', async () => {
      const viewer = b.app.tokens.create('viewer', null, 'audit probe');
      await b.app.inject({
        method: 'POST',
        url: '/api/ingest',
        payload: {},
        remoteAddress: '203.0.113.5',
      });
      await b.app.inject({
        method: 'POST',
        url: '/api/ingest',
        payload: {},
        headers: { authorization: `Bearer ${viewer.token}` },
      });
      // refusals before the handler are written once the answer is sent: wait for them
      await vi.waitFor(async () => {
        const rows = await b.app.warehouse.read((db) =>
          db.all(
            `select token_id, role, label, action, status, detail::json->>'error' as error
             from core.audit
             where detail::json->>'address' = '203.0.113.5' or label = 'audit probe'
             order by status`,
          ),
        );
        expect(rows).toEqual([
          {
            token_id: null,
            role: null,
            label: null,
            action: 'ingest',
            status: 401,
            error: 'UNAUTHENTICATED',
          },
          {
            token_id: viewer.stored.id,
            role: 'viewer',
            label: 'audit probe',
            action: 'ingest',
            status: 403,
            error: 'FORBIDDEN',
          },
        ]);
      });
    });

    it('answers a crash with a bare 500: no message, no stack trace', async () => {
      const res = await b.app.inject({
        method: 'POST',
        url: '/api/test/crash',
        headers: { authorization: `Bearer ${tokens.admin}` },
      });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({
        error: { code: 'INTERNAL', message: 'internal error; the server log has the details' },
      });
      expect(res.body).not.toMatch(/secret|private|\bat .*\.ts|stack/);
      await vi.waitFor(async () => {
        const rows = await b.app.warehouse.read((db) =>
          db.all(
            `select role, action, status, detail::json->>'error' as error from core.audit
             where route = '/api/test/crash'`,
          ),
        );
        expect(rows).toEqual([{ role: 'admin', action: 'admin', status: 500, error: 'INTERNAL' }]);
      });
    });
  });
}

describe('token administration over HTTP', () => {
  let b: Built;
  let admin: string;
  beforeAll(async () => {
    b = await build({ openReads: false });
    admin = b.app.tokens.create('admin', null, 'head of office').token;
  });
  afterAll(async () => b.close());

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    b.app.inject({ method, url, payload, headers: { authorization: `Bearer ${admin}` } });

  it('creates a reporter token for a unit read today, lists it without secrets, revokes it', async () => {
    const created = await call('POST', '/api/tokens', {
      role: 'reporter',
      unit: '79',
      label: 'HCMC statistics',
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const body = created.json();
    expect(body).toMatchObject({
      role: 'reporter',
      unit: 'p79@2025-07-01',
      label: 'HCMC statistics',
      revoked_at: null,
    });
    expect(body.token).toMatch(new RegExp(`^ct_${body.id}_`));
    const auth = { authorization: `Bearer ${body.token}` };
    expect((await b.app.inject({ url: '/api/health', headers: auth })).statusCode).toBe(200);

    const list = await call('GET', '/api/tokens');
    expect(list.json().tokens.map((x: { id: string }) => x.id)).toContain(body.id);
    expect(list.body).not.toContain(body.token.slice(16));
    expect(list.body).not.toContain('sha256');

    const revoked = await call('DELETE', `/api/tokens/${body.id}`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revoked_at).toMatch(/^\d{4}-/);
    expect((await b.app.inject({ url: '/api/health', headers: auth })).statusCode).toBe(401);
    expect((await call('DELETE', '/api/tokens/0123456789ab')).statusCode).toBe(404);

    const audit = await b.app.warehouse.read((db) =>
      db.all(
        `select action, status, detail::json->>'id' as id from core.audit
         where action in ('token.create', 'token.revoke') order by "at"`,
      ),
    );
    expect(audit).toEqual([
      { action: 'token.create', status: 201, id: body.id },
      { action: 'token.revoke', status: 200, id: body.id },
    ]);
  });

  it('refuses a reporter without a unit, a unit that names nothing, a unit on another role', async () => {
    for (const [payload, message] of [
      [{ role: 'reporter' }, 'a reporter token needs a unit'],
      [{ role: 'reporter', unit: '77' }, 'invalid unit: no unit has code or id 77'],
      [{ role: 'planner' }, 'a planner token needs a unit'],
      [{ role: 'analyst', unit: '79' }, 'unit applies to reporter and planner tokens only'],
      [{ role: 'admin', label: 'two\nlines' }, 'label'],
    ] as const) {
      const res = await call('POST', '/api/tokens', payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toContain(message);
    }
  });
});

describe('repeated failed authentications', () => {
  let b: Built;
  let good: string;
  let admin: string;
  beforeAll(async () => {
    // the configured default: ten a minute
    b = await build({ openReads: true });
    good = b.app.tokens.create('analyst', null, 'rate limit').token;
    admin = b.app.tokens.create('admin', null, 'rate limit admin').token;
  });
  afterAll(async () => {
    vi.useRealTimers();
    await b.close();
  });

  const from = (address: string, token: string) =>
    b.app.inject({
      url: '/api/health',
      remoteAddress: address,
      headers: { authorization: `Bearer ${token}` },
    });

  it('are answered 429 with retry-after from the 11th in a minute, from that address only; a valid token still passes', async () => {
    expect(b.app.config.authFailuresPerMinute).toBe(10);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-02T08:15:05Z'));
    for (let i = 0; i < 10; i++) {
      expect((await from('192.0.2.7', 'ct_not_a_token')).statusCode).toBe(401);
    }
    const blocked = await from('192.0.2.7', 'ct_not_a_token');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBe('60');
    expect(blocked.json().error.code).toBe('TOO_MANY_FAILED_AUTH');
    expect((await from('192.0.2.7', `ct_${'0'.repeat(12)}_${'A'.repeat(43)}`)).statusCode).toBe(
      429,
    );
    // a valid token is not held up: an office behind one address must not be locked out by one
    // of its machines (or anyone else there) sending bad tokens
    expect((await from('192.0.2.7', good)).statusCode).toBe(200);
    const write = await b.app.inject({
      method: 'POST',
      url: '/api/tokens',
      remoteAddress: '192.0.2.7',
      headers: { authorization: `Bearer ${admin}` },
      payload: { role: 'viewer', label: 'made while locked' },
    });
    expect(write.statusCode).toBe(201);
    // another address is not held up; no token at all on an open read is not a failure
    expect((await from('198.51.100.1', 'ct_not_a_token')).statusCode).toBe(401);
    expect(
      (await b.app.inject({ url: '/api/health', remoteAddress: '192.0.2.7' })).statusCode,
    ).toBe(200);
    vi.setSystemTime(new Date('2026-03-02T08:15:50Z'));
    const later = await from('192.0.2.7', 'ct_not_a_token');
    expect([later.statusCode, later.headers['retry-after']]).toEqual([429, '15']);
    // the window is a minute from the first failure
    vi.setSystemTime(new Date('2026-03-02T08:16:05Z'));
    expect((await from('192.0.2.7', 'ct_not_a_token')).statusCode).toBe(401);
    vi.useRealTimers();
  });

  it('count writes without a token and bad tokens on the pack review form in the same tally', async () => {
    const address = '192.0.2.8';
    for (let i = 0; i < 4; i++) {
      const res = await b.app.inject({
        method: 'POST',
        url: '/api/ingest',
        remoteAddress: address,
        payload: {},
      });
      expect(res.statusCode).toBe(401);
    }
    for (let i = 0; i < 6; i++) {
      const res = await b.app.inject({
        method: 'POST',
        url: '/pack/review',
        remoteAddress: address,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'token=guess&unit=VN&period=2025-Q4',
      });
      expect(res.statusCode).toBe(403);
    }
    const review = await b.app.inject({
      method: 'POST',
      url: '/pack/review',
      remoteAddress: address,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'token=guess&unit=VN&period=2025-Q4',
    });
    expect(review.statusCode).toBe(429);
    expect(review.headers['retry-after']).toMatch(/^\d+$/);
    const upload = await b.app.inject({
      method: 'POST',
      url: '/api/ingest',
      remoteAddress: address,
      payload: {},
    });
    expect([upload.statusCode, upload.json().error.code]).toEqual([429, 'TOO_MANY_FAILED_AUTH']);
    // reads without a token were never failures
    expect((await b.app.inject({ url: '/api/health', remoteAddress: address })).statusCode).toBe(
      200,
    );
  });
});
