// Reading an uploaded file off the server's event loop. exceljs builds a whole workbook in memory
// and in JavaScript: a 1 M-cell workbook kept the server's one thread busy for ~10 s, so that no
// page, no /api/health, no other upload was answered meanwhile (issue 16.9). Here the reading
// (formats.ts readParts: decoding, forms, sheets, JSON, the staged CSVs it writes) runs on a
// worker thread with its own heap limit and a deadline; the server only waits for the parts.
// DuckDB's reading of the staged CSVs that follows runs on DuckDB's own threads.
//
// One thread, started at the first read and ended after a minute idle (its memory goes with it),
// reads one file at a time (uploads are written one at a time anyway). A file that needs more
// than the heap limit, or more time than the deadline, is refused as too large (413 on the upload
// route) with the setting named; the thread is ended, the next read starts a new one, the server
// lives.
import { channel } from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Parts, Source } from './formats.ts';
import { errorAt } from './problems.ts';
import { intSetting } from '../read/setting.ts';

export interface ThreadLimits {
  /** the thread's V8 heap (old generation), MiB */
  memoryMb: number;
  /** the longest a file may take to read, ms */
  timeoutMs: number;
}

/** What the server sends the thread: a file to read. */
export interface ThreadQuestion {
  id: number;
  source: Source;
}

/** What the thread answers: the parts, or the error that stopped the reading. */
export type ThreadAnswer = { id: number } & (
  | { ok: true; parts: Parts }
  | { ok: false; error: { name: string; message: string; code?: string; syscall?: string } }
);

/**
 * `chitieu:read` (node:diagnostics_channel): an ingest's reading of its file starts and ends
 * (ingest.ts publishes, in a thread or not), for monitoring and for the test that proves the
 * server answers meanwhile.
 */
export const readChannel = channel('chitieu:read');

/** An idle thread is ended after this long (its heap is given back). */
const IDLE_MS = 60_000;

/**
 * From the environment. Defaults: 1,536 MiB of heap (a workbook at the 1 M-cell limit of
 * xlsx-limits.ts needs ~550 MB in exceljs) and 120 s (that workbook reads in ~10 s).
 */
export function threadLimits(env: NodeJS.ProcessEnv = process.env): ThreadLimits {
  return {
    memoryMb: intSetting(env, 'CHITIEU_READ_MEMORY_MB', 1536),
    timeoutMs: intSetting(env, 'CHITIEU_READ_TIMEOUT_S', 120) * 1000,
  };
}

/** tsx's ESM API (its `register`), as a URL: the file its package exports to `import`. */
function tsxApi(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('tsx/package.json');
  const { exports } = require(pkg) as {
    exports: Record<string, { import: { default: string } }>;
  };
  return pathToFileURL(join(dirname(pkg), exports['./esm/api'].import.default)).href;
}

/**
 * The worker's module is the sibling of this file, compiled (.js) or not (.ts: the sources run by
 * tsx or vitest). A .ts worker registers tsx's loader first: a worker thread does not inherit the
 * hooks its parent registered in-process.
 */
function startWorker(memoryMb: number): Worker {
  const self = import.meta.url;
  const typescript = fileURLToPath(self).endsWith('.ts');
  const module = new URL(`./read-worker.${typescript ? 'ts' : 'js'}`, self);
  const options = {
    resourceLimits: { maxOldGenerationSizeMb: memoryMb },
    // the parent's flags may carry an inspector port or an --eval of its own
    execArgv: [],
  };
  if (!typescript) return new Worker(module, options);
  const code =
    `import(${JSON.stringify(tsxApi())})` +
    `.then((m) => { m.register(); return import(${JSON.stringify(module.href)}); })`;
  return new Worker(code, { ...options, eval: true });
}

const tooLarge = (source: Source, en: string, vi: string): Parts => ({
  parts: [],
  problems: [errorAt(source.file, null, null, null, 'too_large', { en, vi })],
  encoding: source.format === 'xlsx' ? 'xlsx' : (source.encoding ?? 'utf-8'),
  notes: [],
  warnings: [],
});

/** An error as the worker described it, rebuilt so that failure() can classify it. */
function rebuilt(error: Extract<ThreadAnswer, { ok: false }>['error']): Error {
  const e = Object.assign(new Error(error.message), error);
  e.name = error.name;
  return e;
}

class ReadThread {
  private worker: Worker | null = null;
  private memoryMb = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private idle: NodeJS.Timeout | null = null;
  private nextId = 1;

  /** Reads `source` once every earlier read has been answered. */
  read(source: Source, limits: ThreadLimits): Promise<Parts> {
    const run = this.queue.then(() => this.readNow(source, limits));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private end(): void {
    const worker = this.worker;
    this.worker = null;
    if (worker) void worker.terminate();
  }

  private readNow(source: Source, limits: ThreadLimits): Promise<Parts> {
    if (this.idle) clearTimeout(this.idle);
    if (this.worker && this.memoryMb !== limits.memoryMb) this.end();
    if (!this.worker) {
      const started = startWorker(limits.memoryMb);
      // a thread that fails or ends between reads is forgotten (the next read starts another);
      // an 'error' with no listener would end the server
      const forget = () => {
        if (this.worker === started) this.worker = null;
      };
      started.on('error', forget).on('exit', forget);
      this.worker = started;
      this.memoryMb = limits.memoryMb;
    }
    const worker = this.worker;
    worker.ref();
    const id = this.nextId++;
    return new Promise<Parts>((resolve, reject) => {
      const settle = (outcome: () => void, ended = false) => {
        clearTimeout(deadline);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (ended || this.worker !== worker) {
          // only the thread this read used: a later one is not this read's to end
          if (this.worker === worker) this.worker = null;
          void worker.terminate();
        } else {
          worker.unref();
          this.idle = setTimeout(() => this.end(), IDLE_MS).unref();
        }
        outcome();
      };
      const onMessage = (answer: ThreadAnswer) => {
        if (answer.id !== id) return;
        settle(() => (answer.ok ? resolve(answer.parts) : reject(rebuilt(answer.error))));
      };
      const onError = (error: Error & { code?: string }) => {
        if (error.code !== 'ERR_WORKER_OUT_OF_MEMORY') {
          settle(() => reject(error), true);
          return;
        }
        const mb = limits.memoryMb.toLocaleString('en-US');
        const en = `reading the file needs more than ${mb} MB of memory (CHITIEU_READ_MEMORY_MB): split it, or send it as CSV`;
        const vi = `Đọc tệp cần hơn ${mb} MB bộ nhớ (CHITIEU_READ_MEMORY_MB): hãy chia nhỏ tệp, hoặc gửi dạng CSV`;
        settle(() => resolve(tooLarge(source, en, vi)), true);
      };
      const onExit = (code: number) =>
        settle(
          () => reject(new Error(`the reading thread ended (exit code ${code}) without an answer`)),
          true,
        );
      const deadline = setTimeout(() => {
        const s = Number((limits.timeoutMs / 1000).toFixed(1));
        const en = `reading the file took longer than ${s} s (CHITIEU_READ_TIMEOUT_S): split it, or send it as CSV`;
        const vi = `Đọc tệp mất quá ${s} giây (CHITIEU_READ_TIMEOUT_S): hãy chia nhỏ tệp, hoặc gửi dạng CSV`;
        settle(() => resolve(tooLarge(source, en, vi)), true);
      }, limits.timeoutMs);
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.postMessage({ id, source } satisfies ThreadQuestion);
    });
  }
}

const thread = new ReadThread();

/** readParts(source), on the reading thread within `limits`. */
export const readPartsInThread = (
  source: Source,
  limits: ThreadLimits = threadLimits(),
): Promise<Parts> => thread.read(source, limits);
