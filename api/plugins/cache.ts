// Responses computed from the materialised results, kept serialised per URL until the data
// version changes; ETags carry that version, so a dashboard's repeated read costs a 304.
import { gzipSync } from 'node:zlib';
import fp from 'fastify-plugin';
import { today } from '../services/common.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const MAX_ENTRIES = 2000;
/** bodies smaller than this go uncompressed: gzip would save less than its headers cost */
const GZIP_FROM = 1024;

interface Entry {
  body: Buffer;
  /** made once, the first time a client that accepts gzip asks */
  gzip?: Buffer;
}
const MAX_BYTES = 128 * 1024 * 1024;

export class ResponseCache {
  private entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private version: () => string) {}

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  /**
   * Weak (the gzip and plain bodies share it). The data version and today's date: answers that read "today" (overdue tasks, units in
   * existence, default quarters) change at midnight even when the data does not.
   */
  etag(): string {
    return `W/"${this.version()}-${today()}"`;
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
    let entry = this.entries.get(key);
    if (entry) {
      // most recently used last, so eviction drops the coldest
      this.entries.delete(key);
      this.entries.set(key, entry);
    } else {
      const value = await compute();
      const body = Buffer.isBuffer(value)
        ? value
        : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
      entry = { body };
      if (etag === this.etag()) this.store(key, entry);
    }
    reply.header('vary', 'accept-encoding');
    if (
      entry.body.length >= GZIP_FROM &&
      /\bgzip\b/.test(request.headers['accept-encoding'] ?? '')
    ) {
      if (!entry.gzip) {
        entry.gzip = gzipSync(entry.body);
        this.bytes += entry.gzip.length;
      }
      return reply.header('content-encoding', 'gzip').send(entry.gzip);
    }
    return reply.send(entry.body);
  }

  private store(key: string, entry: Entry): void {
    if (entry.body.length > MAX_BYTES / 4) return;
    this.entries.set(key, entry);
    this.bytes += entry.body.length;
    for (const [k, v] of this.entries) {
      if (this.entries.size <= MAX_ENTRIES && this.bytes <= MAX_BYTES) break;
      this.entries.delete(k);
      this.bytes -= v.body.length + (v.gzip?.length ?? 0);
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
