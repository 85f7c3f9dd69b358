// Bearer tokens and roles. Each route says what it needs in `config.access`; reads may be open
// (config), uploads need a reporter or admin, task and procedure progress a planner or admin, SQL
// an analyst or admin, token administration an admin. Failed authentications (a bad token; a write with no token at all, which would otherwise
// let anyone fill core.audit) are counted per client address by @fastify/rate-limit: past the
// limit in a minute they get 429, while a valid token from the same address still passes — many
// people share one address behind an office's NAT, and a lock that shut them out would let anyone
// there deny them the service. Guessing stays hopeless: a secret is 256 bits. A reporter's or a
// planner's unit is resolved where it matters (tokenUnit, at upload or at recording time).
// A browser session (plugins/session.ts) is a principal too, with the same roles and scopes: on
// reads always; on a write only through a form route (requireForm checks its CSRF token) or with
// the session's CSRF token in `x-csrf-token` — a cookie alone never writes, so a cross-site post
// carries no authority. With closed reads a page asked without one redirects to /login.
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TokenStore, type Role, type StoredToken } from '../tokens.ts';
import { HttpError } from '../errors.ts';
import { errorBody } from './errors.ts';
import { findUnit, LookupError } from '../../indicators/scorecard.ts';
import type { Unit, UnitIndex } from '../../pipelines/normalize/units.ts';
import { csrfValid, loginHref, sessionPrincipal, signedIn } from './session.ts';

/** 'plan': recording the progress of plans' tasks and procedures (within a planner's scope). */
export type Access = 'public' | 'read' | 'ingest' | 'plan' | 'sql' | 'admin';

/** Routes that may change what the server holds: audited, and a try without a token counts. */
export const WRITES: readonly Access[] = ['ingest', 'plan', 'admin'];

export const ROLE_ACCESS: Record<Role, readonly Access[]> = {
  viewer: ['read'],
  reporter: ['read', 'ingest'],
  planner: ['read', 'plan'],
  analyst: ['read', 'sql'],
  admin: ['read', 'ingest', 'plan', 'sql', 'admin'],
};

export interface Principal {
  /** a bearer token, or a browser session of an account */
  source: 'token' | 'session';
  /** the token's id, or `user:<login>` for a session */
  token_id: string;
  role: Role;
  /** reporter or planner scope as written on the token (unit id or code); null: everywhere */
  unit: string | null;
  /** the scope's unit id, resolved when the token or account was made; null: not resolved then */
  unit_id: string | null;
  /** the token's login or label */
  label: string;
  /** a token's creation day (Vietnam): an unresolved code means what it meant then */
  issued_on: string | null;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** what the route needs; 'read' when absent */
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /**
     * 'tripped': this request's failed authentication crossed the limit (the one audited);
     * 'held': its address was already over it
     */
    lockedOut: 'tripped' | 'held' | null;
  }
  interface FastifyInstance {
    tokens: TokenStore;
    /**
     * Counts a failed authentication from the request's address: null while under the limit,
     * else the seconds until the address may try again (answer 429 with them as Retry-After).
     */
    failedAuthentication(request: FastifyRequest): Promise<number | null>;
  }
}

export interface AuthOptions {
  tokensPath: string;
  openReads: boolean;
  failuresPerMinute: number;
}

/**
 * The unit a scoped token's holder acts for (with everything under it), read at `date`: the figures
 * a reporter may load, the plans a planner may record progress for. The token holds a unit id, or
 * a code stored as given when the database was busy at `token create`. A token whose unit names
 * nothing is refused, never widened to everywhere.
 */
export function tokenUnit(index: UnitIndex, principal: Principal, date: string): Unit {
  if (!principal.unit) {
    throw new HttpError(
      403,
      'TOKEN_WITHOUT_UNIT',
      `${principal.role} token ${principal.token_id} names no unit; an admin must issue one with --unit`,
    );
  }
  try {
    // an id names one unit for good; a code kept from an older token file is read on the day the
    // token was made (a code may name another unit after a reform), else on `date`
    if (principal.unit_id) return findUnit(index, principal.unit_id, date);
    return findUnit(index, principal.unit, principal.issued_on ?? date);
  } catch (error) {
    if (!(error instanceof LookupError)) throw error;
    throw new HttpError(
      403,
      'TOKEN_UNIT_UNRESOLVED',
      `the unit of ${principal.role} token ${principal.token_id} (${principal.unit}) cannot be resolved: ` +
        `${error.message}; an admin must issue a new token`,
    );
  }
}

/** A reporter's unit, as the upload route names it. */
export const reporterScope = tokenUnit;

const REALM = 'Bearer realm="chitieu"';

export const principalOf = (t: StoredToken): Principal => ({
  source: 'token',
  token_id: t.id,
  role: t.role,
  unit: t.unit,
  unit_id: t.unit_id ?? null,
  label: t.label,
  issued_on: vietnamDay(t.created_at),
});

/** The day in Vietnam (UTC+7, no daylight saving) of an ISO timestamp. */
const vietnamDay = (iso: string) =>
  new Date(Date.parse(iso) + 7 * 3_600_000).toISOString().slice(0, 10);

const SAFE_METHODS = new Set(['GET', 'HEAD']);

const WINDOW_MS = 60_000;

export const tooManyFailures = (wait: number) =>
  new HttpError(
    429,
    'TOO_MANY_FAILED_AUTH',
    `too many failed authentications from this address; retry in ${wait} s`,
    wait,
  );

/** A dashboard page (not the API): a browser is sent to sign in rather than answered 401. */
const isPage = (request: FastifyRequest) =>
  SAFE_METHODS.has(request.method) && !request.url.startsWith('/api/');

export default fp(
  async function authPlugin(fastify: FastifyInstance, options: AuthOptions) {
    const store = new TokenStore(options.tokensPath);
    fastify.decorate('tokens', store);
    fastify.decorateRequest('principal', null);
    fastify.decorateRequest('lockedOut', null);

    // global: false — nothing is limited by route; only failures are counted, through `failures`
    await fastify.register(rateLimit, { global: false });
    // the key is the address (an IPv6 address by its /64, as the plugin does by default)
    const failures = fastify.createRateLimit({
      max: options.failuresPerMinute,
      timeWindow: WINDOW_MS,
    });
    /** addresses whose lock has been reported in its window: when that window ends */
    const reported = new Map<string, number>();

    fastify.decorate('failedAuthentication', async (request: FastifyRequest) => {
      const counted = await failures(request);
      if (counted.isAllowed || !counted.isExceeded) return null;
      const now = Date.now();
      if ((reported.get(counted.key) ?? 0) <= now) {
        if (reported.size >= 10_000) {
          for (const [key, until] of reported) if (until <= now) reported.delete(key);
        }
        reported.set(counted.key, now + counted.ttl);
        request.lockedOut = 'tripped';
      } else {
        request.lockedOut = 'held';
      }
      return Math.max(1, counted.ttlInSeconds);
    });

    const bearer = (request: FastifyRequest): string | null | undefined => {
      const header = request.headers.authorization;
      if (header === undefined) return undefined;
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      return m ? m[1] : null;
    };

    /** 401, or 429 once the address has failed too often. */
    const refuse = async (
      request: FastifyRequest,
      reply: FastifyReply,
      challenge: string,
      code: string,
      message: string,
    ) => {
      const wait = await fastify.failedAuthentication(request);
      if (wait !== null) {
        const error = tooManyFailures(wait);
        return reply
          .code(429)
          .header('retry-after', String(wait))
          .send(errorBody(error.code, error.message));
      }
      reply.header('www-authenticate', challenge);
      return reply.code(401).send(errorBody(code, message));
    };

    fastify.addHook('onRequest', async (request, reply) => {
      // CORS preflights carry no credentials by design; the cors plugin answers them
      if (request.method === 'OPTIONS') return;
      const config = request.routeOptions.config;
      const access: Access = config?.access ?? 'read';
      if (access === 'public') return;
      const given = bearer(request);
      if (given !== undefined) {
        const token = given === null ? null : store.verify(given);
        if (!token) {
          // RFC 6750 §3: the scheme, and why this token was not accepted
          return refuse(
            request,
            reply,
            `${REALM}, error="invalid_token"`,
            'INVALID_TOKEN',
            'the bearer token is unknown, malformed or revoked',
          );
        }
        request.principal = principalOf(token);
      } else {
        const session = signedIn(request);
        if (
          session &&
          !session.must_change &&
          (SAFE_METHODS.has(request.method) || config?.form || csrfValid(fastify, request))
        ) {
          request.principal = sessionPrincipal(session);
        }
      }
      // a form route answers in words, once its body is read (session.ts requireForm)
      if (config?.form) return;
      const principal = request.principal;
      if (access === 'read' && (options.openReads || principal)) return;
      if (!principal && access === 'read' && isPage(request)) {
        return reply.redirect(loginHref(request), 303);
      }
      if (!principal) {
        const message = `this needs a bearer token (${access})`;
        if (WRITES.includes(access)) {
          return refuse(request, reply, REALM, 'UNAUTHENTICATED', message);
        }
        reply.header('www-authenticate', REALM);
        return reply.code(401).send(errorBody('UNAUTHENTICATED', message));
      }
      if (!ROLE_ACCESS[principal.role].includes(access)) {
        reply.header('www-authenticate', `${REALM}, error="insufficient_scope"`);
        return reply
          .code(403)
          .send(errorBody('FORBIDDEN', `role ${principal.role} may not ${access}`));
      }
    });
  },
  { name: 'auth' },
);
