// The handler every read route shares: the unit index, the service on a read connection, and the
// answer kept by the response cache (plugins/cache.ts) until the data changes.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../../pipelines/db/connect.ts';
import type { UnitIndex } from '../../pipelines/normalize/units.ts';

/** A service that answers a route's query string over the units as they are indexed. */
export type ReadService<Q, R> = (db: Database, units: UnitIndex, query: Q) => Promise<R>;

/**
 * The handler of a GET route that answers `service(db, units, request.query)`, through the cache.
 * Typed by the service: a route whose query schema parses to something else than `Q`, or whose
 * 200 schema does not describe `R`, does not compile. It resolves once the reply is out, with
 * nothing (the reply is sent already).
 */
export function cachedRead<Q, R>(fastify: FastifyInstance, service: ReadService<Q, R>) {
  return async (request: FastifyRequest & { query: Q }, reply: FastifyReply): Promise<R | void> => {
    const index = await fastify.warehouse.units();
    await fastify.responses.send(request, reply, () =>
      fastify.warehouse.read((db) => service(db, index, request.query)),
    );
  };
}
