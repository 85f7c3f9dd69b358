// GET /api/export/{observations|progress}.{csv|parquet|arrow}: a view, filtered by unit subtree,
// period range and indicator, as a download. CSV and Arrow stream as DuckDB produces them;
// Parquet is written to a temporary file first (its footer comes last) and streamed from there.
// Each holds a slot of fastify.limits.exports while it uses DuckDB: a few at once, a few waiting,
// the rest 503 with Retry-After (50 at once had run the instance out of memory).
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  CONTENT_TYPES,
  exportFileName,
  exportParquet,
  exportStream,
  parquetTempFile,
  resolveFilters,
} from '../services/export.ts';
import { exportParams, exportQuery } from '../schemas/export.ts';
import { z } from 'zod';
import { errorSchema, errors } from '../schemas/common.ts';
import type { Database } from '../../pipelines/db/connect.ts';
import type { Release } from '../plugins/limits.ts';

/** Closes a connection and gives its export slot back once, whichever of the ends comes first. */
function closer(db: Database, release: Release) {
  let closed = false;
  return () => {
    if (!closed) {
      closed = true;
      try {
        db.close();
      } finally {
        release();
      }
    }
  };
}

const exportRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/api/export/:kind.:format',
    {
      config: { access: 'read' },
      schema: {
        tags: ['export'],
        summary: 'Download observations or progress as CSV, Parquet or an Arrow IPC stream',
        description:
          "Columns in the view's order. `unit` exports the unit and every unit under it; " +
          '`from`/`to` keep rows whose period starts within [start of from, end of to].',
        params: exportParams,
        querystring: exportQuery,
        response: {
          200: z.unknown().describe('the file: text/csv, Parquet or an Arrow IPC stream'),
          ...errors,
          503: errorSchema.describe('too many exports at once (Retry-After says when to retry)'),
        },
      },
    },
    async (request, reply) => {
      const { kind, format } = request.params;
      const index = await fastify.warehouse.units();
      const release = await fastify.limits.exports.acquire();
      // a connection of its own for as long as the download lasts: a slow client must not
      // hold one of the readers the dashboards share
      let db: Database;
      try {
        db = await fastify.warehouse.writer.fork();
      } catch (error) {
        release();
        throw error;
      }
      const close = closer(db, release);
      let handedOver = false;
      try {
        const filters = await resolveFilters(db, index, request.query);
        reply
          .header('content-type', CONTENT_TYPES[format])
          .header(
            'content-disposition',
            `attachment; filename="${exportFileName(kind, filters, format)}"`,
          )
          .header('cache-control', 'no-store');
        if (format === 'parquet') {
          const file = parquetTempFile();
          try {
            await exportParquet(db, kind, filters, file.path);
          } catch (error) {
            file.remove();
            throw error;
          }
          close();
          const stream = createReadStream(file.path);
          stream.on('close', file.remove);
          handedOver = true;
          return reply.send(stream);
        }
        const chunks = exportStream(db, kind, filters, format);
        // the query starts here, so that its errors are still answered with a status
        const first = await chunks.next();
        async function* body() {
          try {
            if (!first.done) yield first.value;
            yield* chunks;
          } finally {
            close();
          }
        }
        const stream = Readable.from(body(), { objectMode: false });
        stream.on('close', close);
        handedOver = true;
        return reply.send(stream);
      } finally {
        if (!handedOver) close();
      }
    },
  );
};

export default exportRoutes;
