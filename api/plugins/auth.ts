// Bearer tokens and roles. Each route says what it needs in `config.access`; reads may be open
// (config), uploads need a reporter or admin, SQL an analyst or admin, token administration an
// admin. Repeated failed authentications from one address are answered 429 for the rest of the
// minute. A reporter's unit is resolved where it matters (reporterScope, at upload time).
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TokenStore, type Role, type StoredToken } from '../tokens.ts';
import { HttpError } from '../errors.ts';
import { errorBody } from './errors.ts';
import { findUnit, LookupError } from '../../indicators/scorecard.ts';
import type { Unit, UnitIndex } from '../../pipelines/normalize/units.ts';

export type Access = 'read' | 'ingest' | 'sql' | 'admin';

export const ROLE_ACCESS: Record<Role, readonly Access[]> = {
  viewer: ['read'],
  reporter: ['read', 'ingest'],
  analyst: ['read', 'sql'],
  admin: ['read', 'ingest', 'sql', 'admin'],
};

export interface Principal {
  token_id: string;
  role: Role;
  /** reporter scope as written on the token (unit id or code); null: everywhere */
  unit: string | null;
  label: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** what the route needs; 'read' when absent */
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    tokens: TokenStore;
  }
}

export interface AuthOptions {
  tokensPath: string;
  openReads: boolean;
  failuresPerMinute: number;
}

/**
 * The unit a reporter may load figures for (with everything under it), read at `date`: the token
 * holds a unit id, or a code stored as given when the database was busy at `token create`. A
 * token whose unit names nothing is refused, never widened to everywhere.
 */
export function reporterScope(index: UnitIndex, principal: Principal, date: string): Unit {
  if (!principal.unit) {
    throw new HttpError(
      403,
      'TOKEN_WITHOUT_UNIT',
      `reporter token ${principal.token_id} names no unit; an admin must issue one with --unit`,
    );
  }
  try {
    return findUnit(index, principal.unit, date);
  } catch (error) {
    if (!(error instanceof LookupError)) throw error;
    throw new HttpError(
      403,
      'TOKEN_UNIT_UNRESOLVED',
      `the unit of reporter token ${principal.token_id} (${principal.unit}) cannot be resolved: ` +
        `${error.message}; an admin must issue a new token`,
    );
  }
}

const REALM = 'Bearer realm="chitieu"';

const principalOf = (t: StoredToken): Principal => ({
  token_id: t.id,
  role: t.role,
  unit: t.unit,
  label: t.label,
});

/** Failed attempts per client address in the current minute. */
class FailureCounter {
  private window = 0;
  private counts = new Map<string, number>();

  constructor(private readonly limit: number) {}

  private roll(now: number) {
    const window = Math.floor(now / 60_000);
    if (window !== this.window) {
      this.window = window;
      this.counts.clear();
    }
  }

  blocked(ip: string, now = Date.now()): number | null {
    this.roll(now);
    return (this.counts.get(ip) ?? 0) >= this.limit ? 60 - Math.floor((now / 1000) % 60) : null;
  }

  fail(ip: string, now = Date.now()): void {
    this.roll(now);
    this.counts.set(ip, (this.counts.get(ip) ?? 0) + 1);
  }
}

export default fp(
  async function authPlugin(fastify: FastifyInstance, options: AuthOptions) {
    const store = new TokenStore(options.tokensPath);
    const failures = new FailureCounter(options.failuresPerMinute);
    fastify.decorate('tokens', store);
    fastify.decorateRequest('principal', null);

    const bearer = (request: FastifyRequest): string | null | undefined => {
      const header = request.headers.authorization;
      if (header === undefined) return undefined;
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      return m ? m[1] : null;
    };

    fastify.addHook('onRequest', async (request, reply) => {
      // CORS preflights carry no credentials by design; the cors plugin answers them
      if (request.method === 'OPTIONS') return;
      const access: Access = request.routeOptions.config?.access ?? 'read';
      const given = bearer(request);
      if (given !== undefined) {
        const wait = failures.blocked(request.ip);
        if (wait !== null) {
          reply.header('retry-after', String(wait));
          return reply
            .code(429)
            .send(
              errorBody(
                'TOO_MANY_FAILED_AUTH',
                `too many failed authentications; retry in ${wait} s`,
              ),
            );
        }
        const token = given === null ? null : store.verify(given);
        if (!token) {
          failures.fail(request.ip);
          // RFC 6750 §3: the scheme, and why this token was not accepted
          reply.header('www-authenticate', `${REALM}, error="invalid_token"`);
          return reply
            .code(401)
            .send(errorBody('INVALID_TOKEN', 'the bearer token is unknown, malformed or revoked'));
        }
        request.principal = principalOf(token);
      }
      const principal = request.principal;
      if (access === 'read' && (options.openReads || principal)) return;
      if (!principal) {
        reply.header('www-authenticate', REALM);
        return reply
          .code(401)
          .send(errorBody('UNAUTHENTICATED', `this needs a bearer token (${access})`));
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
