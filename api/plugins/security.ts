// Security headers on every response, and CORS only when origins are configured.
import fp from 'fastify-plugin';
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

export interface SecurityOptions {
  corsOrigins: string[];
}

// Dashboards are server-rendered with a little same-origin script and inline styles; nothing is
// loaded from elsewhere, so the policy can stay strict.
const CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export default fp(
  async function securityPlugin(fastify: FastifyInstance, options: SecurityOptions) {
    fastify.addHook('onSend', async (_request, reply) => {
      reply.header('x-content-type-options', 'nosniff');
      reply.header('x-frame-options', 'DENY');
      reply.header('referrer-policy', 'no-referrer');
      reply.header('cross-origin-opener-policy', 'same-origin');
      reply.header('cross-origin-resource-policy', 'same-origin');
      if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', CSP);
    });
    if (options.corsOrigins.length > 0) {
      await fastify.register(cors, { origin: options.corsOrigins });
    }
  },
  { name: 'security' },
);
