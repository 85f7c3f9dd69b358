// Driving the sign-in pages as a browser would, through app.inject: a cookie jar of one cookie,
// the CSRF token read from the form, urlencoded posts.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { addAccount } from '../../api/accounts.ts';
import type { Role } from '../../api/tokens.ts';

export interface Browser {
  /** the session cookie as the browser holds it: name=value, or null */
  cookie: string | null;
  address: string;
  https: boolean;
}

export const browser = (address = '127.0.0.1', https = false): Browser => ({
  cookie: null,
  address,
  https,
});

/** Keeps the session cookie a response sets (or clears). */
function keep(b: Browser, res: LightMyRequestResponse): void {
  for (const c of res.cookies) {
    if (c.name === 'chitieu' || c.name === '__Host-chitieu') {
      const gone = c.value === '' || (c.expires && c.expires.getTime() <= Date.now());
      b.cookie = gone ? null : `${c.name}=${c.value}`;
    }
  }
}

export async function get(app: FastifyInstance, b: Browser, url: string) {
  const res = await app.inject({
    method: 'GET',
    url,
    remoteAddress: b.address,
    headers: {
      ...(b.cookie ? { cookie: b.cookie } : {}),
      ...(b.https ? { 'x-forwarded-proto': 'https' } : {}),
    },
  });
  keep(b, res);
  return res;
}

export async function post(
  app: FastifyInstance,
  b: Browser,
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
) {
  const res = await app.inject({
    method: 'POST',
    url,
    remoteAddress: b.address,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(b.cookie ? { cookie: b.cookie } : {}),
      ...(b.https ? { 'x-forwarded-proto': 'https' } : {}),
      ...headers,
    },
    payload: new URLSearchParams(form).toString(),
  });
  keep(b, res);
  return res;
}

/** The CSRF token in a page's first form. */
export function csrfOf(body: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(body);
  if (!m) throw new Error(`no CSRF field in the page: ${body.slice(0, 300)}`);
  return m[1];
}

/** GET /login, then POST it: the answer to the post. */
export async function signIn(app: FastifyInstance, b: Browser, login: string, password: string) {
  const page = await get(app, b, '/login');
  return post(app, b, '/login', { _csrf: csrfOf(page.body), login, password });
}

/** A password each test user has: long enough, and not its login. */
export const passwordOf = (login: string) => `correct horse ${login.length} battery staple`;

export async function addUser(
  app: FastifyInstance,
  login: string,
  role: Role,
  unit: string | null = null,
  password: string | null = passwordOf(login),
) {
  const index = await app.warehouse.units();
  return app.warehouse.write((db) =>
    addAccount(db, index, { login, role, unit, password }, '2026-01-25'),
  );
}
