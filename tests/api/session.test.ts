// Browser sessions: sign-in right and wrong, the lock after repeated failures (for that login or
// that address only), the cookie's flags over HTTP and TLS, a new session id at sign-in, sign-out
// and disabling ending the session on the server, CSRF on every form, the one-time password.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import app from '../../api/app.ts';
import pages from '../../dashboards/plugin.ts';
import { readConfig, type ServerConfig } from '../../api/config.ts';
import { LOGIN_FAILURES } from '../../api/plugins/signin.ts';
import { ABSOLUTE_MS, IDLE_MS, SessionStore } from '../../api/plugins/session.ts';
import { tempDir } from '../helpers.ts';
import { addUser, browser, csrfOf, get, passwordOf, post, signIn } from './signin.ts';

/** The app behind a TLS proxy (trustProxy: X-Forwarded-Proto says https), reads closed. */
async function build(overrides: Partial<ServerConfig> = {}) {
  const { dir, cleanup } = tempDir();
  const dbPath = join(dir, 'demo.duckdb');
  copyFileSync(inject('demoDb'), dbPath);
  const config = readConfig(
    {},
    {
      dbPath,
      tokensPath: join(dir, 'tokens.json'),
      logLevel: 'silent',
      openReads: false,
      authFailuresPerMinute: 4,
      ...overrides,
    },
  );
  const fastify = Fastify({ logger: false, trustProxy: true });
  await fastify.register(fp(app), { config });
  await fastify.register(pages);
  await fastify.ready();
  return { app: fastify, close: async () => (await fastify.close(), cleanup()) };
}

let t: { app: FastifyInstance; close: () => Promise<void> };
let admin: string;
beforeAll(async () => {
  t = await build();
  admin = t.app.tokens.create('admin', null, 'session admin').token;
  await addUser(t.app, 'an.nguyen', 'viewer');
  await addUser(t.app, 'binh.tran', 'planner', 'p79@2025-07-01');
  await addUser(t.app, 'guessed', 'viewer');
  await addUser(t.app, 'neighbour', 'viewer');
});
afterAll(async () => t?.close());

const audit = (login: string) =>
  t.app.warehouse.read((db) =>
    db.all<{ action: string; status: number; error: string | null }>(
      `select action, status, detail::json->>'error' as error from core.audit
       where detail::json->>'login' = $login order by "at"`,
      { login },
    ),
  );

describe('signing in', () => {
  it('takes a right password: a new session id, HttpOnly SameSite=Lax cookie, audited', async () => {
    const b = browser('10.1.0.1');
    const form = await get(t.app, b, '/login');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('<label for="login">Tên đăng nhập</label>');
    const before = b.cookie;
    expect(before).toMatch(/^chitieu=/);
    const res = await post(t.app, b, '/login', {
      _csrf: csrfOf(form.body),
      login: 'an.nguyen',
      password: passwordOf('an.nguyen'),
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    // fixation: the id the visitor held before is not the one it holds signed in
    expect(b.cookie).not.toBe(before);
    const set = String(res.headers['set-cookie']);
    expect(set).toMatch(/^chitieu=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    const page = await get(t.app, b, '/');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Đăng nhập: an.nguyen (người xem)');
    expect(page.headers['cache-control']).toBe('private, no-store');
    // the pre-session's id no longer names anything
    const stale = await t.app.inject({ url: '/', headers: { cookie: before! } });
    expect(stale.statusCode).toBe(303);
    expect(await audit('an.nguyen')).toEqual([{ action: 'auth.signin', status: 303, error: null }]);
  });

  it('refuses a wrong password in Vietnamese (English on the switch), audited', async () => {
    const b = browser('10.1.0.2');
    const res = await signIn(t.app, b, 'neighbour', 'not the password at all');
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('Sai tên đăng nhập hoặc mật khẩu.');
    const page = await get(t.app, b, '/login?lang=en');
    const en = await post(t.app, b, '/login', {
      _csrf: csrfOf(page.body),
      lang: 'en',
      login: 'nobody-here',
      password: 'whatever password',
    });
    expect(en.statusCode).toBe(401);
    expect(en.body).toContain('Wrong login or password.');
    expect(await audit('neighbour')).toEqual([
      { action: 'auth.signin', status: 401, error: 'BAD_CREDENTIALS' },
    ]);
  });

  it('locks a login after repeated failures, from any address, and nobody else', async () => {
    // LOGIN_FAILURES failures are told as such; the next locks the login
    for (let i = 0; i <= LOGIN_FAILURES; i++) {
      const res = await signIn(t.app, browser(`10.2.0.${i + 1}`), 'guessed', `wrong guess ${i}`);
      expect(res.statusCode).toBe(i < LOGIN_FAILURES ? 401 : 429);
    }
    // even the right password is not looked at until the window ends
    const right = await signIn(t.app, browser('10.2.1.1'), 'guessed', passwordOf('guessed'));
    expect(right.statusCode).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    expect(right.body).toContain('Đã thử sai quá nhiều lần');
    // another login is not locked
    const other = await signIn(t.app, browser('10.2.1.2'), 'neighbour', passwordOf('neighbour'));
    expect(other.statusCode).toBe(303);
    const rows = await audit('guessed');
    expect(rows.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('locks an address after repeated failures, and no other address', async () => {
    const b = browser('10.3.0.1');
    // authFailuresPerMinute is 4 here: the fifth failure locks the address
    for (let i = 0; i < 5; i++) {
      const res = await signIn(t.app, b, `someone-${i}`, 'wrong password here');
      expect(res.statusCode).toBe(i < 4 ? 401 : 429);
    }
    const locked = await signIn(t.app, b, 'binh.tran', passwordOf('binh.tran'));
    expect(locked.statusCode).toBe(429);
    const elsewhere = await signIn(
      t.app,
      browser('10.3.0.2'),
      'binh.tran',
      passwordOf('binh.tran'),
    );
    expect(elsewhere.statusCode).toBe(303);
  });

  it('sets a Secure __Host- cookie over TLS', async () => {
    const b = browser('10.4.0.1', true);
    const res = await signIn(t.app, b, 'neighbour', passwordOf('neighbour'));
    expect(res.statusCode).toBe(303);
    expect(String(res.headers['set-cookie'])).toMatch(
      /^__Host-chitieu=[\w-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    );
    expect((await get(t.app, b, '/')).body).toContain('Đăng nhập: neighbour (người xem)');
    // the plain-HTTP name means nothing over TLS
    const plain = await t.app.inject({
      url: '/',
      headers: { cookie: b.cookie!.replace('__Host-', ''), 'x-forwarded-proto': 'https' },
    });
    expect(plain.statusCode).toBe(303);
  });
});

describe('with reads closed', () => {
  it('sends a browser without a session to /login, and back after signing in', async () => {
    const b = browser('10.5.0.1');
    const res = await get(t.app, b, '/tasks?lang=en');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Ftasks%3Flang%3Den&lang=en');
    const form = await get(t.app, b, res.headers.location as string);
    const signed = await post(t.app, b, '/login', {
      _csrf: csrfOf(form.body),
      next: '/tasks?lang=en',
      login: 'an.nguyen',
      password: passwordOf('an.nguyen'),
    });
    expect(signed.headers.location).toBe('/tasks?lang=en');
    expect((await get(t.app, b, '/tasks?lang=en')).statusCode).toBe(200);
    // the API reads with the session too; an API write needs more than the cookie
    expect((await get(t.app, b, '/api/tasks')).statusCode).toBe(200);
  });

  it('never sends the browser elsewhere after signing in', async () => {
    const b = browser('10.5.0.2');
    const form = await get(t.app, b, '/login');
    const res = await post(t.app, b, '/login', {
      _csrf: csrfOf(form.body),
      next: '//evil.example/',
      login: 'an.nguyen',
      password: passwordOf('an.nguyen'),
    });
    expect(res.headers.location).toBe('/');
  });
});

describe('signing out and disabling', () => {
  it('ends the session on the server at sign-out', async () => {
    const b = browser('10.6.0.1');
    await signIn(t.app, b, 'an.nguyen', passwordOf('an.nguyen'));
    const held = b.cookie!;
    const page = await get(t.app, b, '/logout');
    expect(page.body).toContain('<button type="submit">Đăng xuất</button>');
    const out = await post(t.app, b, '/logout', { _csrf: csrfOf(page.body) });
    expect(out.statusCode).toBe(303);
    expect(b.cookie).toBeNull();
    // the old cookie, replayed, is nobody
    const replay = await t.app.inject({ url: '/', headers: { cookie: held } });
    expect(replay.statusCode).toBe(303);
    expect(replay.headers.location).toBe('/login?next=%2F');
    const rows = await audit('an.nguyen');
    expect(rows.at(-1)).toEqual({ action: 'auth.signout', status: 303, error: null });
  });

  it('ends every session of an account an admin disables, and refuses it after', async () => {
    await addUser(t.app, 'to.be.gone', 'viewer');
    const b = browser('10.6.0.2');
    await signIn(t.app, b, 'to.be.gone', passwordOf('to.be.gone'));
    expect((await get(t.app, b, '/')).statusCode).toBe(200);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/accounts/to.be.gone/disable',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().disabled_at).not.toBeNull();
    expect((await get(t.app, b, '/')).statusCode).toBe(303);
    const again = await signIn(t.app, browser('10.6.0.3'), 'to.be.gone', passwordOf('to.be.gone'));
    expect(again.statusCode).toBe(401);
  });
});

describe('CSRF', () => {
  it('refuses a sign-out without the token, or with another session’s', async () => {
    const b = browser('10.7.0.1');
    await signIn(t.app, b, 'an.nguyen', passwordOf('an.nguyen'));
    const none = await post(t.app, b, '/logout', {});
    expect(none.statusCode).toBe(403);
    const other = browser('10.7.0.2');
    await signIn(t.app, other, 'neighbour', passwordOf('neighbour'));
    const theirs = csrfOf((await get(t.app, other, '/')).body);
    const wrong = await post(t.app, b, '/logout', { _csrf: theirs });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.body).toContain('Biểu mẫu đã hết hạn');
    expect(wrong.headers['content-type']).toMatch(/^text\/html/);
    // still signed in
    expect((await get(t.app, b, '/')).body).toContain('Đăng nhập: an.nguyen');
  });

  it('refuses a sign-in form posted from another site (no pre-session token)', async () => {
    const res = await post(t.app, browser('10.7.0.3'), '/login', {
      login: 'an.nguyen',
      password: passwordOf('an.nguyen'),
    });
    expect(res.statusCode).toBe(403);
    expect(res.headers['set-cookie']).toMatch(/^chitieu=/); // a pre-session for the new form only
  });

  it('gives a session cookie alone no authority over the API', async () => {
    const b = browser('10.7.0.4');
    await signIn(t.app, b, 'binh.tran', passwordOf('binh.tran'));
    const forged = await t.app.inject({
      method: 'POST',
      url: '/api/tasks/kh-2024-ho-chi-minh/1/status',
      headers: { cookie: b.cookie!, origin: 'https://evil.example' },
      payload: { status: 'done', as_of: '2026-01-20', note: 'forged' },
    });
    expect(forged.statusCode).toBe(401);
    const token = csrfOf((await get(t.app, b, '/')).body);
    const scripted = await t.app.inject({
      method: 'POST',
      url: '/api/tasks/kh-2024-ho-chi-minh/1/status',
      headers: { cookie: b.cookie!, 'x-csrf-token': token },
      payload: { status: 'done', as_of: '2026-01-20', note: 'from a script of this site' },
    });
    expect(scripted.statusCode, scripted.body).toBe(201);
  });
});

describe('a one-time password', () => {
  it('must be changed before anything else, then the new one signs in', async () => {
    const { oneTime } = await addUser(t.app, 'new.officer', 'viewer', null, null);
    const b = browser('10.8.0.1');
    const res = await signIn(t.app, b, 'new.officer', oneTime!);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login/password');
    // not a reader yet
    expect((await get(t.app, b, '/')).statusCode).toBe(303);
    const form = await get(t.app, b, '/login/password');
    expect(form.body).toContain('<label for="password">Mật khẩu mới</label>');
    const short = await post(t.app, b, '/login/password', {
      _csrf: csrfOf(form.body),
      current: oneTime!,
      password: 'short',
      confirm: 'short',
    });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('mật khẩu phải có ít nhất 12 ký tự');
    const held = b.cookie;
    const done = await post(t.app, b, '/login/password', {
      _csrf: csrfOf(short.body),
      current: oneTime!,
      password: 'a much better passphrase',
      confirm: 'a much better passphrase',
    });
    expect(done.statusCode).toBe(303);
    expect(b.cookie).not.toBe(held);
    expect((await get(t.app, b, '/')).body).toContain('Đăng nhập: new.officer (người xem)');
    const old = await signIn(t.app, browser('10.8.0.2'), 'new.officer', oneTime!);
    expect(old.statusCode).toBe(401);
    const fresh = await signIn(
      t.app,
      browser('10.8.0.3'),
      'new.officer',
      'a much better passphrase',
    );
    expect(fresh.headers.location).toBe('/');
  });
});

describe('session timeouts (OWASP ASVS V3)', () => {
  /** A store on a clock of the test's own, and a session started on it. */
  function started() {
    let now = Date.parse('2026-01-25T01:00:00Z');
    const store = new SessionStore(() => now);
    const request = { session: null, protocol: 'http' } as unknown as FastifyRequest;
    const reply = { setCookie: () => reply } as unknown as FastifyReply;
    const session = store.start(request, reply, {
      login: 'an.nguyen',
      role: 'viewer',
      unit_id: null,
      must_change: false,
    });
    return { store, id: session.id, advance: (ms: number) => (now += ms) };
  }

  it('ends a session idle for more than 30 minutes', () => {
    const { store, id, advance } = started();
    advance(IDLE_MS - 1000);
    expect(store.get(id)).not.toBeNull();
    advance(IDLE_MS + 1000);
    expect(store.get(id)).toBeNull();
    expect(store.size).toBe(0);
  });

  it('ends a session 8 hours after sign-in however busy it is', () => {
    const { store, id, advance } = started();
    for (let elapsed = 0; elapsed < ABSOLUTE_MS - IDLE_MS; elapsed += IDLE_MS / 2) {
      expect(store.get(id)).not.toBeNull();
      advance(IDLE_MS / 2);
    }
    advance(IDLE_MS);
    expect(store.get(id)).toBeNull();
  });
});
