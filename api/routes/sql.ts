// POST /api/sql: analysts' read-only SQL over the views, as JSON or an Arrow IPC stream. The
// sandbox (services/sql.ts) has connections of its own, so a heavy query never takes a reader
// that dashboards need.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { SqlSandbox, type SqlResult } from '../services/sql.ts';
import {
  ArrowStreamEncoder,
  arrowBatch,
  arrowSchema,
  jsonRows,
  CONTENT_TYPES,
} from '../services/export.ts';
import { sqlBody, sqlResult } from '../schemas/sql.ts';
import { errors, errorSchema } from '../schemas/common.ts';

const ARROW = 'application/vnd.apache.arrow.stream';

function toArrow(result: SqlResult): Buffer {
  const schema = arrowSchema(result.columns);
  return new ArrowStreamEncoder(schema).all(
    result.batches.map((b) => arrowBatch(schema, b, result.columns)),
  );
}

const sql: FastifyPluginAsyncZod = async (fastify) => {
  const sandbox = await SqlSandbox.open(fastify.warehouse.writer, {
    timeoutMs: fastify.config.sqlTimeoutMs,
    rowLimit: fastify.config.sqlRowLimit,
  });
  fastify.addHook('onClose', async () => sandbox.close());

  fastify.post(
    '/api/sql',
    {
      config: { access: 'sql' },
      schema: {
        tags: ['sql'],
        summary: 'Read-only SQL over the analyst views (analyst or admin token)',
        description:
          `One SELECT over the views of the analyst contract; at most ${fastify.config.sqlRowLimit} rows ` +
          `(\`truncated\` says when there were more) and ${fastify.config.sqlTimeoutMs} ms. ` +
          `With \`Accept: ${ARROW}\` the rows come as an Arrow IPC stream (headers x-row-count, ` +
          'x-truncated, x-row-limit). Refused: files, settings, the catalogue, extensions, writes.',
        security: [{ bearer: [] }],
        body: sqlBody,
        response: { 200: sqlResult, ...errors, 408: errorSchema, 503: errorSchema },
      },
    },
    async (request, reply) => {
      const result = await sandbox.query(request.body.sql);
      reply.header('cache-control', 'no-store');
      if ((request.headers.accept ?? '').includes(ARROW)) {
        return (
          reply
            .header('content-type', CONTENT_TYPES.arrow)
            .header('x-row-count', String(result.row_count))
            .header('x-truncated', String(result.truncated))
            .header('x-row-limit', String(result.row_limit))
            .header('x-elapsed-ms', String(result.elapsed_ms))
            // a Buffer is sent as it is; the 200 schema describes the JSON answer
            .send(toArrow(result) as never)
        );
      }
      return {
        columns: result.columns.map((c) => ({ name: c.name, type: c.type.toString() })),
        rows: result.batches.flatMap((b) => jsonRows(b, result.columns)),
        row_count: result.row_count,
        truncated: result.truncated,
        row_limit: result.row_limit,
        elapsed_ms: result.elapsed_ms,
      };
    },
  );
};

export default sql;
