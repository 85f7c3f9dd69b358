// POST /api/sql: analysts' read-only SQL over the views, as JSON or an Arrow IPC stream. The
// sandbox (services/sql.ts) runs each query in a process of its own on a copy of the views: the
// server only relays the answer's bytes, so a heavy query never takes its memory or a reader that
// dashboards need.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { SqlSandbox } from '../services/sql.ts';
import { CONTENT_TYPES } from '../services/export.ts';
import { sqlBody, sqlResult } from '../schemas/sql.ts';
import { errors, errorSchema } from '../schemas/common.ts';

const ARROW = 'application/vnd.apache.arrow.stream';

const sql: FastifyPluginAsyncZod = async (fastify) => {
  const { warehouse, config } = fastify;
  const sandbox = new SqlSandbox(
    { fork: () => warehouse.writer.fork(), version: () => warehouse.meta.version },
    {
      timeoutMs: config.sqlTimeoutMs,
      rowLimit: config.sqlRowLimit,
      // beside the database: the copy is as private as the file, and on the same disk
      directory: `${config.dbPath}.sql`,
    },
  );
  warehouse.onChange(() => sandbox.refresh());
  fastify.addHook('onClose', async () => sandbox.close());

  fastify.post(
    '/api/sql',
    {
      config: { access: 'sql' },
      schema: {
        tags: ['sql'],
        summary: 'Read-only SQL over the analyst views (analyst or admin token)',
        description:
          `One SELECT over the views of the analyst contract; at most ${config.sqlRowLimit} rows ` +
          `(\`truncated\` says when there were more) and ${config.sqlTimeoutMs} ms. ` +
          `With \`Accept: ${ARROW}\` the rows come as an Arrow IPC stream (headers x-row-count, ` +
          'x-truncated, x-row-limit). Refused: files, settings, the catalogue, extensions, writes. ' +
          'Each query runs in a sandbox process with a memory limit (SQL_MEMORY_LIMIT) and a time ' +
          'limit (SQL_TIMEOUT); answers longer than 64 MB are refused (SQL_RESULT_TOO_LARGE).',
        security: [{ bearer: [] }],
        body: sqlBody,
        response: { 200: sqlResult, ...errors, 408: errorSchema, 503: errorSchema },
      },
    },
    async (request, reply) => {
      const arrow = (request.headers.accept ?? '').includes(ARROW);
      const answer = await sandbox.query(request.body.sql, arrow ? 'arrow' : 'json');
      reply.header('cache-control', 'no-store');
      // the body was built in the sandbox process: sent as it is (the 200 schema describes it)
      if (arrow) {
        reply
          .header('content-type', CONTENT_TYPES.arrow)
          .header('x-row-count', String(answer.rowCount))
          .header('x-truncated', String(answer.truncated))
          .header('x-row-limit', String(answer.rowLimit))
          .header('x-elapsed-ms', String(answer.elapsedMs));
      } else {
        reply.header('content-type', 'application/json; charset=utf-8');
      }
      return reply.send(answer.body as never);
    },
  );
};

export default sql;
