// Browser sessions, CSRF and sign-in: what the pages' forms stand on.
//
// For pages (H4's upload, the planner forms, sign-in):
//   - `csrfField(request, reply): string` — an escaped `<input type="hidden" name="_csrf">` for a
//     form; it makes a pre-session when the visitor has none (the sign-in form needs one too).
//   - `requireForm(access)` — a preHandler for a form POST route (give the route
//     `config: { access, form: true }`, and parse application/x-www-form-urlencoded or multipart
//     first): it answers a redirect to /login when nobody is signed in (or the password must
//     change first), 403 with words in the page's language when the CSRF token is missing or wrong
//     or the role lacks `access`. After it, `request.principal` is the signed-in user.
//   - `viewerOf(request, reply)` — who is signed in, with the field for the layout's sign-out form.
//
// Why not @fastify/session: its cookie name is fixed per server, but a `__Host-` cookie must be
// Secure and only a request over TLS may set one (the same server answers both on loopback and
// behind a TLS proxy); and signing out every session of a disabled account needs a store that
// knows logins. A 256-bit random id in a cookie, the session in this process's memory (one
// process owns the database; a restart signs everyone out), is what it would have done.
// CSRF is @fastify/csrf-protection in its session mode: the secret lives in the server-side
// session (`session._csrf`), never in a cookie, so a token is good for its session only.
// Timeouts as OWASP ASVS V3 asks: 30 minutes idle, 8 hours absolute; a new id at sign-in.
import { randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  preHandlerAsyncHookHandler,
} from 'fastify';
import { HttpError } from '../errors.ts';
import type { Role } from '../tokens.ts';
import type { Access, Principal } from './auth.ts';
import { ROLE_ACCESS, tooManyFailures } from './auth.ts';

export const IDLE_MS = 30 * 60_000;
export const ABSOLUTE_MS = 8 * 60 * 60_000;
/** sessions held at most; past it the oldest pre-sessions (unsigned visitors) go first */
const MAX_SESSIONS = 20_000;

export interface Session {
  id: string;
  /** null: a pre-session, holding only the sign-in form's CSRF secret */
  login: string | null;
  role: Role | null;
  unit_id: string | null;
  /** signed in with a one-time password: only the password page until it is changed */
  must_change: boolean;
  created: number;
  seen: number;
  /** the CSRF secret (@fastify/csrf-protection's session key) */
  _csrf?: string;
}

export type SignedIn = Session & { login: string; role: Role };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** a browser form route: requireForm checks the session and the CSRF token, in words */
    form?: boolean;
  }
  interface FastifyRequest {
    session: Session | null;
  }
  interface FastifyInstance {
    sessions: SessionStore;
  }
}

export const isSecure = (request: FastifyRequest) => request.protocol === 'https';
/** `__Host-`: the browser keeps it only if Secure, Path=/ and no Domain — no subdomain can plant it */
export const cookieName = (request: FastifyRequest) =>
  isSecure(request) ? '__Host-chitieu' : 'chitieu';

export class SessionStore {
  private sessions = new Map<string, Session>();

  constructor(private readonly clock: () => number = Date.now) {}

  get size(): number {
    return this.sessions.size;
  }

  /** The live session of this id (and marks it seen), or null: unknown, idle or too old. */
  get(id: string): Session | null {
    const s = this.sessions.get(id);
    if (!s) return null;
    const now = this.clock();
    if (now - s.seen > IDLE_MS || now - s.created > ABSOLUTE_MS) {
      this.sessions.delete(id);
      return null;
    }
    s.seen = now;
    return s;
  }

  /** A new session under a new id, with its cookie on the reply. */
  start(
    request: FastifyRequest,
    reply: FastifyReply,
    who: Pick<Session, 'login' | 'role' | 'unit_id' | 'must_change'>,
  ): Session {
    if (request.session) this.sessions.delete(request.session.id);
    if (this.sessions.size >= MAX_SESSIONS) this.sweep();
    const now = this.clock();
    // the fields named, never a spread: an old session passed in must not lend its id or secret
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      login: who.login,
      role: who.role,
      unit_id: who.unit_id,
      must_change: who.must_change,
      created: now,
      seen: now,
    };
    this.sessions.set(session.id, session);
    request.session = session;
    reply.setCookie(cookieName(request), session.id, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: isSecure(request),
    });
    return session;
  }

  /** Ends the request's session here and in the browser. */
  end(request: FastifyRequest, reply: FastifyReply): void {
    if (request.session) this.sessions.delete(request.session.id);
    request.session = null;
    reply.clearCookie(cookieName(request), {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: isSecure(request),
    });
  }

  /** Signs out every session of a login (disabled, or its password changed elsewhere). */
  endLogin(login: string, except?: string): number {
    let n = 0;
    for (const [id, s] of this.sessions) {
      if (s.login === login && id !== except) {
        this.sessions.delete(id);
        n++;
      }
    }
    return n;
  }

  /** Drops the expired, then the oldest pre-sessions, then the oldest, to below the ceiling. */
  private sweep(): void {
    const now = this.clock();
    for (const [id, s] of this.sessions) {
      if (now - s.seen > IDLE_MS || now - s.created > ABSOLUTE_MS) this.sessions.delete(id);
    }
    for (const [id, s] of this.sessions) {
      if (this.sessions.size < MAX_SESSIONS * 0.9) return;
      if (s.login === null) this.sessions.delete(id);
    }
    for (const id of this.sessions.keys()) {
      if (this.sessions.size < MAX_SESSIONS * 0.9) return;
      this.sessions.delete(id);
    }
  }
}

export const signedIn = (request: FastifyRequest): SignedIn | null => {
  const s = request.session;
  return s && s.login !== null && s.role !== null ? (s as SignedIn) : null;
};

/** The principal a signed-in session acts as: the same shape and checks as a token's. */
export const sessionPrincipal = (s: SignedIn): Principal => ({
  source: 'session',
  token_id: `user:${s.login}`,
  role: s.role,
  unit: s.unit_id,
  unit_id: s.unit_id,
  label: s.login,
  issued_on: null,
});

/**
 * Whether the request carries the CSRF token of its session (form field `_csrf`, or the
 * `x-csrf-token` header for a script). @fastify/csrf-protection's check answers through
 * reply.send and calls next() otherwise, synchronously: both are caught here as a boolean.
 */
export function csrfValid(fastify: FastifyInstance, request: FastifyRequest): boolean {
  if (!request.session) return false;
  let ok = false;
  const answer = { send: () => answer } as unknown as FastifyReply;
  fastify.csrfProtection(request, answer, () => {
    ok = true;
  });
  return ok;
}

/** A hidden input with the session's CSRF token (a pre-session is made for a visitor). */
export function csrfField(request: FastifyRequest, reply: FastifyReply): string {
  if (!request.session) request.server.sessions.start(request, reply, ANONYMOUS);
  return `<input type="hidden" name="_csrf" value="${escape(reply.generateCsrf())}" />`;
}

/** The token is base64url with a dash: escaped all the same, it goes into markup. */
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const ANONYMOUS = { login: null, role: null, unit_id: null, must_change: false } as const;

export interface Viewer {
  login: string;
  role: Role;
  unit_id: string | null;
  /** the hidden CSRF input for the layout's sign-out form (and any other) */
  csrfField: string;
}

export function viewerOf(request: FastifyRequest, reply: FastifyReply): Viewer | null {
  const s = signedIn(request);
  if (!s || s.must_change) return null;
  return { login: s.login, role: s.role, unit_id: s.unit_id, csrfField: csrfField(request, reply) };
}

const lang = (request: FastifyRequest): 'vi' | 'en' => {
  const q = (request.query ?? {}) as Record<string, unknown>;
  const b = (request.body ?? {}) as Record<string, unknown>;
  return q.lang === 'en' || b.lang === 'en' ? 'en' : 'vi';
};

/** /login?next=…, keeping the language; `next` only ever a path on this site. */
export function loginHref(request: FastifyRequest, next?: string): string {
  const params = new URLSearchParams();
  const target = next ?? (request.method === 'GET' ? request.url : '');
  if (safeNext(target)) params.set('next', target);
  if (lang(request) === 'en') params.set('lang', 'en');
  const q = params.toString();
  return q ? `/login?${q}` : '/login';
}

/** A local path (not `//host`, not `/\host`): where a sign-in may send the browser on. */
export const safeNext = (next: unknown): next is string =>
  typeof next === 'string' && /^\/(?![/\\])[^\s]*$/.test(next) && next.length < 2000;

export const FORM_WORDS = {
  csrf: {
    vi: 'Biểu mẫu đã hết hạn hoặc không phải do trang này gửi. Hãy tải lại trang và gửi lại.',
    en: 'The form has expired or was not sent from this site. Reload the page and send it again.',
  },
  role: {
    vi: 'Tài khoản của bạn (vai trò {role}) không được làm việc này.',
    en: 'Your account (role {role}) may not do this.',
  },
} as const;

/**
 * preHandler of a form POST: signed in (else to /login), CSRF token right (else 403), role allows
 * `access` (else 403). The words follow the form's `lang` field or the query's. Each refusal is
 * an audit row with its code (the page's HTML carries none for the audit to find); a post with
 * no session counts as a failed authentication from its address, as a write without a token
 * does, so nobody fills the audit from outside: past the limit it gets 429.
 */
export function requireForm(access: Access): preHandlerAsyncHookHandler {
  return async function checkForm(this: FastifyInstance, request, reply) {
    const fastify = request.server;
    const action = request.routeOptions.config?.action ?? access;
    const refuse = (status: number, error: string) =>
      fastify.audit(request, { action, status, detail: { error } });
    const s = signedIn(request);
    if (!s) {
      const wait = await fastify.failedAuthentication(request);
      if (wait !== null) throw tooManyFailures(wait);
      await refuse(303, 'UNAUTHENTICATED');
      return reply.redirect(loginHref(request, ''), 303);
    }
    request.principal = sessionPrincipal(s);
    if (s.must_change) {
      await refuse(303, 'PASSWORD_MUST_CHANGE');
      return reply.redirect('/login/password', 303);
    }
    const l = lang(request);
    if (!csrfValid(fastify, request)) {
      await refuse(403, 'CSRF_INVALID');
      throw new HttpError(403, 'CSRF_INVALID', FORM_WORDS.csrf[l]);
    }
    if (!ROLE_ACCESS[s.role].includes(access)) {
      await refuse(403, 'FORBIDDEN');
      throw new HttpError(403, 'FORBIDDEN', FORM_WORDS.role[l].replace('{role}', s.role));
    }
  };
}

export default fp(
  async function sessionPlugin(fastify: FastifyInstance) {
    await fastify.register(cookie);
    await fastify.register(csrf, {
      sessionPlugin: '@fastify/session',
      // a refused token is the caller's business, answered in words; not a warning to log
      logLevel: 'debug',
      getToken: (request: FastifyRequest) => {
        const body = request.body as Record<string, unknown> | undefined;
        // a urlencoded form's field is a string; @fastify/multipart's attachFieldsToBody makes it
        // { value }, so an upload form carries its token as any other form does
        const given = body?._csrf as string | { value?: unknown } | undefined;
        const value = typeof given === 'object' && given !== null ? given.value : given;
        const field = typeof value === 'string' ? value : undefined;
        const header = request.headers['x-csrf-token'];
        return field ?? (typeof header === 'string' ? header : undefined);
      },
    });
    const store = new SessionStore();
    fastify.decorate('sessions', store);
    fastify.decorateRequest('session', null);
    fastify.addHook('onRequest', async (request) => {
      const id = request.cookies[cookieName(request)];
      request.session = id ? store.get(id) : null;
    });
  },
  { name: 'session' },
);
