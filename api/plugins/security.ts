// Security headers on every response (@fastify/helmet), and CORS only when origins are configured.
import fp from 'fastify-plugin';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

export interface SecurityOptions {
  corsOrigins: string[];
}

/**
 * Dashboards are server-rendered with a little same-origin script and inline styles; nothing is
 * loaded from elsewhere, so the policy can stay strict. Exactly the headers chitieu sent before
 * helmet sent them (tests/api/limits.test.ts compares): helmet's other defaults are off, HSTS
 * above all — on a plain-HTTP loopback server it means nothing, and behind a TLS proxy the proxy
 * is the one to decide it. A route may still send its own Content-Security-Policy.
 */
export const HELMET = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      'default-src': ["'self'"],
      'img-src': ["'self'", 'data:'],
      'style-src': ["'self'", "'unsafe-inline'"],
      'script-src': ["'self'"],
      'object-src': ["'none'"],
      'base-uri': ["'none'"],
      'frame-ancestors': ["'none'"],
      'form-action': ["'self'"],
    },
  },
  xContentTypeOptions: true,
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  crossOriginOpenerPolicy: { policy: 'same-origin' },
  crossOriginResourcePolicy: { policy: 'same-origin' },
  crossOriginEmbedderPolicy: false,
  originAgentCluster: false,
  strictTransportSecurity: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
} as const;

export default fp(
  async function securityPlugin(fastify: FastifyInstance, options: SecurityOptions) {
    await fastify.register(helmet, { global: true, ...HELMET });
    if (options.corsOrigins.length > 0) {
      await fastify.register(cors, { origin: options.corsOrigins });
    }
  },
  { name: 'security' },
);
