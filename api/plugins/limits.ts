// Bounds on the costly things the server does for one request: a Gate lets a few run at once,
// queues a few more and answers the rest 503 with Retry-After at once. fastify.limits holds the
// API's gates (exports); the dashboards make their own for printing PDFs. Measured before: 50
// concurrent exports, each on a DuckDB connection of its own, took the instance out of memory
// (500s, and uploads failing meanwhile); N cache-busting /pack.pdf requests started N Chromiums.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { BusyError } from '../errors.ts';

export interface GateOptions {
  /** at most this many at once */
  concurrency: number;
  /** at most this many waiting for a slot; beyond, BusyError at once */
  queue: number;
  /** a waiter still without a slot after this long gets BusyError (slow clients hold slots) */
  maxWaitMs: number;
  /** Retry-After of the 503, seconds */
  retryAfter: number;
  /** the error's machine code, and what is busy in English and Vietnamese */
  code: string;
  en: string;
  vi: string;
}

/** Gives a slot back; a second call does nothing. */
export type Release = () => void;

export class Gate {
  private active = 0;
  private readonly waiting: { grant: (release: Release) => void; timer: NodeJS.Timeout }[] = [];

  constructor(readonly options: GateOptions) {
    if (!(options.concurrency >= 1)) throw new Error(`invalid concurrency: ${options.concurrency}`);
  }

  /** Running and waiting now. */
  get load(): { active: number; queued: number } {
    return { active: this.active, queued: this.waiting.length };
  }

  /** A slot, once one is free (first come, first served); BusyError when the queue is full. */
  acquire(): Promise<Release> {
    if (this.active < this.options.concurrency) {
      this.active++;
      return Promise.resolve(this.release());
    }
    if (this.waiting.length >= this.options.queue) return Promise.reject(this.busy());
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: resolve,
        timer: setTimeout(() => {
          const i = this.waiting.indexOf(waiter);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(this.busy());
        }, this.options.maxWaitMs),
      };
      // a waiter never keeps the process alive on its own (shutdown)
      waiter.timer.unref();
      this.waiting.push(waiter);
    });
  }

  /** `work` inside a slot, released however it ends. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }

  private release(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) {
        // the slot passes straight on: `active` is unchanged
        clearTimeout(next.timer);
        next.grant(this.release());
      } else {
        this.active--;
      }
    };
  }

  private busy(): BusyError {
    const { code, en, vi, retryAfter } = this.options;
    return new BusyError(
      code,
      `${en}; retry in ${retryAfter} s`,
      retryAfter,
      `${vi}; vui lòng thử lại sau ${retryAfter} giây`,
    );
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    limits: { exports: Gate };
  }
}

export interface LimitsOptions {
  exportConcurrency: number;
  exportQueue: number;
}

export default fp(
  async function limitsPlugin(fastify: FastifyInstance, options: LimitsOptions) {
    fastify.decorate('limits', {
      exports: new Gate({
        concurrency: options.exportConcurrency,
        queue: options.exportQueue,
        maxWaitMs: 30_000,
        retryAfter: 10,
        code: 'EXPORTS_BUSY',
        en: 'too many exports are running',
        vi: 'máy chủ đang xuất quá nhiều tệp dữ liệu cùng lúc',
      }),
    });
  },
  { name: 'limits' },
);
