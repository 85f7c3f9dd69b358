// Bounds on the costly things the server does for one request: a Gate lets a few run at once,
// queues a few more and answers the rest 503 with Retry-After at once. fastify.limits holds the
// API's gates (exports); the dashboards make their own for printing PDFs. Measured before: 50
// concurrent exports, each on a DuckDB connection of its own, took the instance out of memory
// (500s, and uploads failing meanwhile); N cache-busting /pack.pdf requests started N Chromiums.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { BusyError } from '../errors.ts';

/**
 * Memory after heavy work (issue 16, item 10: RSS stayed at 2–3 GB after heavy queries ended).
 * DuckDB's own accounting (duckdb_memory()) is back to a few MB when an export ends: what stays
 * is DuckDB's result chunks, native memory that the JavaScript objects wrapping them hold until
 * V8 collects them, and V8 does not know their size, so an idle server, which allocates nothing,
 * never collects. Measured on the demo (a burst of 18 exports and 6 analyst queries, 4 at a time):
 * 281 MB before, 644 MB at the peak, 455 MB still 30 s after; 433 MB with this collection
 * alone, 336 MB with the warehouse's shrink too (DuckDB's idle buffers, the larger part).
 * A full collection costs tens of milliseconds on such a heap: it runs once the costly work is
 * over (no export running, no write queued) and IDLE_GC_MS has passed quietly, never between
 * requests of a burst. CHITIEU_IDLE_GC=0 turns it off.
 */
const IDLE_GC_MS = 1_000;
let collect: (() => void) | null | undefined;
let idleTimer: NodeJS.Timeout | null = null;

function collector(): (() => void) | null {
  if (collect === undefined) {
    try {
      // the flag exposes gc() to contexts made from now on, not to this one: a fresh one gives it
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  return collect;
}

/**
 * Asks for a collection once nothing costly runs: `busy` is asked again when the delay is up
 * (more work may have started), and a later call replaces an earlier one.
 */
export function collectWhenIdle(
  busy: () => boolean,
  also?: () => void,
  delayMs = IDLE_GC_MS,
): void {
  if (process.env.CHITIEU_IDLE_GC === '0') return;
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    idleTimer = null;
    if (busy()) return;
    collector()?.();
    also?.();
  }, delayMs);
  // never keeps a process alive on its own (shutdown)
  idleTimer.unref();
}

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
  /** called when the last slot is given back and nobody waits */
  onIdle?: () => void;
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
        if (this.active === 0) this.options.onIdle?.();
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
    const exports: Gate = new Gate({
      concurrency: options.exportConcurrency,
      queue: options.exportQueue,
      maxWaitMs: 30_000,
      retryAfter: 10,
      code: 'EXPORTS_BUSY',
      en: 'too many exports are running',
      vi: 'máy chủ đang xuất quá nhiều tệp dữ liệu cùng lúc',
      // the exports' result chunks are collected once the last one ends
      onIdle: () =>
        collectWhenIdle(
          () => exports.load.active > 0 || fastify.warehouse?.busy === true,
          () => fastify.warehouse?.shrink(),
        ),
    });
    fastify.decorate('limits', { exports });
  },
  { name: 'limits' },
);
