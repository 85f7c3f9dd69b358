// GET /api/units and /api/units/:unit: the unit tree as of a date, one unit with its history.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errors } from '../schemas/common.ts';
import {
  unitParams,
  unitQuery,
  unitResponse,
  unitsQuery,
  unitsResponse,
} from '../schemas/units.ts';
import { listUnits, unitDetail } from '../services/units.ts';
import { cachedRead } from './cached.ts';

const units: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/api/units',
    {
      schema: {
        tags: ['units'],
        summary: 'Units as of a date, as a flat tree',
        description:
          'The root (`parent`, default VN) and its descendants in existence at `as_of`, down to ' +
          '`level` (default: the root’s children); each row has its parent_id and its number of ' +
          'children, so a client can build and expand the tree.',
        querystring: unitsQuery,
        response: { 200: unitsResponse, ...errors },
      },
    },
    cachedRead(fastify, listUnits),
  );

  fastify.get(
    '/api/units/:unit',
    {
      schema: {
        tags: ['units'],
        summary: 'One unit: breadcrumbs, children and its 2025 succession',
        description:
          'A code is read at `as_of` (91 today is An Giang, p91 is Kiên Giang until 30/6/2025). ' +
          'Children are those in existence at `as_of`, or on the unit’s last day when it ceased ' +
          'to exist before.',
        params: unitParams,
        querystring: unitQuery,
        response: { 200: unitResponse, ...errors },
      },
    },
    async (request, reply) => {
      const index = await fastify.warehouse.units();
      return fastify.responses.send(request, reply, () =>
        fastify.warehouse.read((db) =>
          unitDetail(db, index, { ...request.params, ...request.query }),
        ),
      );
    },
  );
};

export default units;
