// The one error handler: {error: {code, message}}; the caller's mistakes get a 4xx and their
// message, a limit the server sets a 503 with Retry-After, everything else a 500 with no detail
// (logged in full) — or a 503 when DuckDB ran out of memory, which passes.
import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { FAULT_ANSWER, HttpError, OUT_OF_MEMORY_RETRY_S, serverFault } from '../errors.ts';
import { LookupError } from '../../indicators/scorecard.ts';
import { StorageError } from '../../pipelines/db/storage.ts';

const LOOKUP_STATUS: Record<LookupError['code'], number> = {
  UNKNOWN_UNIT: 404,
  AMBIGUOUS_UNIT: 400,
  INVALID_PERIOD: 400,
};

/** Fastify's own error codes for the caller's mistakes, as stable codes of ours. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_REQ_FILE_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_REQUEST',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'INVALID_REQUEST',
  FST_PARTS_LIMIT: 'PAYLOAD_TOO_LARGE',
  FST_FILES_LIMIT: 'PAYLOAD_TOO_LARGE',
};

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

export default fp(
  async function errorsPlugin(fastify: FastifyInstance) {
    fastify.setErrorHandler((error: FastifyError, request, reply) => {
      if (hasZodFastifySchemaValidationErrors(error)) {
        const detail = error.validation
          .map(
            (v) =>
              `${v.instancePath.replace(/^\//, '').replace(/\//g, '.') || 'value'}: ${v.message}`,
          )
          .join('; ');
        return reply
          .code(400)
          .send(errorBody('INVALID_REQUEST', `invalid ${error.validationContext}: ${detail}`));
      }
      if (error instanceof HttpError) {
        if (error.retryAfter !== undefined) reply.header('retry-after', String(error.retryAfter));
        return reply.code(error.statusCode).send(errorBody(error.code, error.message));
      }
      if (error instanceof LookupError) {
        return reply.code(LOOKUP_STATUS[error.code]).send(errorBody(error.code, error.message));
      }
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        const code =
          FASTIFY_CODES[error.code] ?? (status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST');
        return reply.code(status).send(errorBody(code, error.message));
      }
      request.log.error({ err: error }, 'request failed');
      if (error instanceof StorageError) {
        // the disk's fault, and what it did to the data (nothing loaded, or results owed)
        return reply.code(500).send(errorBody(FAULT_ANSWER.io.code, error.answer));
      }
      const answer = FAULT_ANSWER[serverFault(String(error.message)) ?? 'internal'];
      if (answer.status === 503) reply.header('retry-after', String(OUT_OF_MEMORY_RETRY_S));
      return reply.code(answer.status).send(errorBody(answer.code, answer.message));
    });
    fastify.setNotFoundHandler((request, reply) =>
      reply
        .code(404)
        .send(errorBody('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)),
    );
  },
  { name: 'errors' },
);
