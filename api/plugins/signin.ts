// fastify.signIn: a login and password against core.accounts, with failed tries limited per
// client address AND per login (@fastify/rate-limit counters, as plugins/auth.ts counts bad
// tokens: only failures count). Past either limit the address, or the login, is refused without
// its password being looked at until the window ends — a right guess then proves nothing, so
// guessing gains nothing from speed. Another login from another address is untouched. Every
// sign-in and every failure is a row of core.audit (the refusals while locked are not: a row each
// would let anyone fill the table). A success starts a session under a new id (no fixation).
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findAccount, MAX_PASSWORD, verifyPassword } from '../accounts.ts';
import { sessionPrincipal, type SignedIn } from './session.ts';

/** tries a login may fail in LOGIN_WINDOW_MS before it is locked for the rest of the window */
export const LOGIN_FAILURES = 5;
export const LOGIN_WINDOW_MS = 15 * 60_000;

export type SignInResult =
  | { ok: true; session: SignedIn }
  | { ok: false; status: 401 }
  | { ok: false; status: 429; wait: number };

declare module 'fastify' {
  interface FastifyInstance {
    signIn(
      request: FastifyRequest,
      reply: FastifyReply,
      login: string,
      password: string,
    ): Promise<SignInResult>;
  }
}

export default fp(
  async function signInPlugin(fastify: FastifyInstance) {
    const loginOf = new WeakMap<FastifyRequest, string>();
    const loginFailures = fastify.createRateLimit({
      max: LOGIN_FAILURES,
      timeWindow: LOGIN_WINDOW_MS,
      keyGenerator: (request) => `login:${loginOf.get(request)}`,
    });
    /** `a:<address>` or `l:<login>` → until when (ms) it is refused unheard */
    const locked = new Map<string, number>();

    const lockedFor = (key: string, now: number): number | null => {
      const until = locked.get(key);
      if (until === undefined) return null;
      if (until <= now) {
        locked.delete(key);
        return null;
      }
      return Math.max(1, Math.ceil((until - now) / 1000));
    };
    const lock = (key: string, seconds: number) => {
      if (locked.size >= 50_000) {
        const now = Date.now();
        for (const [k, until] of locked) if (until <= now) locked.delete(k);
      }
      locked.set(key, Date.now() + seconds * 1000);
    };

    fastify.decorate(
      'signIn',
      async (request: FastifyRequest, reply: FastifyReply, given: string, password: string) => {
        const login = given.trim().toLowerCase().slice(0, 64);
        const now = Date.now();
        const wait = lockedFor(`a:${request.ip}`, now) ?? lockedFor(`l:${login}`, now);
        if (wait !== null) return { ok: false, status: 429, wait } as const;

        const found =
          password.length > MAX_PASSWORD
            ? null
            : await fastify.warehouse.read((db) => findAccount(db, login));
        // an unknown login is hashed all the same (verifyPassword's decoy): no timing tells
        const right = await verifyPassword(password, found?.hash ?? null);
        if (right && found && !found.account.disabled_at) {
          const { account } = found;
          const session = fastify.sessions.start(request, reply, {
            login: account.login,
            role: account.role,
            unit_id: account.unit_id,
            must_change: account.must_change,
          }) as SignedIn;
          request.principal = sessionPrincipal(session);
          await fastify.audit(request, {
            action: 'auth.signin',
            status: 303,
            detail: { login, must_change: account.must_change, address: request.ip },
          });
          return { ok: true, session } as const;
        }

        const byAddress = await fastify.failedAuthentication(request);
        loginOf.set(request, login);
        const counted = await loginFailures(request);
        const byLogin =
          !counted.isAllowed && counted.isExceeded ? Math.max(1, counted.ttlInSeconds) : null;
        if (byAddress !== null) lock(`a:${request.ip}`, byAddress);
        if (byLogin !== null) lock(`l:${login}`, byLogin);
        const until = Math.max(byAddress ?? 0, byLogin ?? 0);
        await fastify.audit(request, {
          action: 'auth.signin',
          status: until > 0 ? 429 : 401,
          detail: {
            login,
            error: until > 0 ? 'TOO_MANY_FAILED_SIGNINS' : 'BAD_CREDENTIALS',
            // why, for whoever reads the audit: never told to the person signing in
            reason: !found ? 'unknown_login' : found.account.disabled_at ? 'disabled' : 'password',
          },
        });
        return until > 0
          ? ({ ok: false, status: 429, wait: until } as const)
          : ({ ok: false, status: 401 } as const);
      },
    );
  },
  { name: 'signin', dependencies: ['session', 'auth', 'audit', 'warehouse'] },
);
