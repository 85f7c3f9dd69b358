// Responses computed from the materialised results, kept serialised per URL until the data
// version changes; ETags carry that version, so a dashboard's repeated read costs a 304.
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const MAX_ENTRIES = 2000;
const MAX_BYTES = 128 * 1024 * 1024;

export class ResponseCache {
  private entries = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private version: () => string) {}

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  /**
   * The data version and today's date: answers that read "today" (overdue tasks, units in
   * existence, default quarters) change at midnight even when the data does not.
   */
  etag(): string {
    return `"${this.version()}-${new Date().toISOString().slice(0, 10)}"`;
  }

  /**
   * Sends the JSON that `compute` returns for this request's URL, from memory when it was computed
   * for the current data version, or a 304 when the caller already holds it.
   */
  async send(
    request: FastifyRequest,
    reply: FastifyReply,
    compute: () => Promise<unknown>,
    contentType = 'application/json; charset=utf-8',
  ): Promise<FastifyReply> {
    const etag = this.etag();
    reply
      .header('etag', etag)
      .header('cache-control', 'no-cache')
      .header('content-type', contentType);
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    const key = `${etag} ${contentType} ${request.url}`;
    let body = this.entries.get(key);
    if (body) {
      // most recently used last, so eviction drops the coldest
      this.entries.delete(key);
      this.entries.set(key, body);
    } else {
      const value = await compute();
      body = Buffer.isBuffer(value)
        ? value
        : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
      if (etag === this.etag()) this.store(key, body);
    }
    return reply.send(body);
  }

  private store(key: string, body: Buffer): void {
    if (body.length > MAX_BYTES / 4) return;
    this.entries.set(key, body);
    this.bytes += body.length;
    for (const [k, v] of this.entries) {
      if (this.entries.size <= MAX_ENTRIES && this.bytes <= MAX_BYTES) break;
      this.entries.delete(k);
      this.bytes -= v.length;
    }
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    responses: ResponseCache;
  }
}

export default fp(
  async function cachePlugin(fastify: FastifyInstance) {
    const cache = new ResponseCache(() => fastify.warehouse.meta.version);
    fastify.warehouse.onChange(() => cache.clear());
    fastify.decorate('responses', cache);
  },
  { name: 'cache', dependencies: ['warehouse'] },
);
