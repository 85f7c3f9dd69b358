// The OpenAPI document, generated from the routes' zod schemas, at /api/openapi.json, and a docs
// page at /api/docs (Swagger UI, served from the package: nothing from the network).
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

export default fp(
  async function openapiPlugin(fastify: FastifyInstance) {
    await fastify.register(swagger, {
      openapi: {
        info: {
          title: 'chitieu API',
          description:
            'Đề án 06 targets, plans and reported figures. Reads may be open; uploads and SQL ' +
            'need `Authorization: Bearer <token>` (`chitieu token create`). Errors are ' +
            '`{error: {code, message}}`.',
          version: '1',
        },
        components: {
          securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
        },
      },
      transform: jsonSchemaTransform,
      transformObject: jsonSchemaTransformObject,
    });
    await fastify.register(swaggerUi, { routePrefix: '/api/docs' });
    fastify.get('/api/openapi.json', { schema: { hide: true } }, async () => fastify.swagger());
  },
  { name: 'openapi' },
);
