// One sandbox process (worker.ts) as the server sees it: started on a snapshot with its memory
// capped, asked one query at a time, and killed (SIGKILL) when that query runs past its time or
// its memory. The server itself never runs an analyst's query, so no query can take it down.
//
// Memory, three bounds, outermost first: the kernel's RLIMIT_DATA on the process (set by
// `ulimit -d` in the shell that execs it: an allocation past it fails — DuckDB answers "Out of
// Memory Error", V8 dies — instead of growing the machine's memory; RLIMIT_AS is no use, V8 and
// DuckDB reserve 12–24 GB of address space at start), the server reading the process's RSS
// every POLL_MS and killing it past the same figure (what RLIMIT_DATA does not count), and inside
// it DuckDB's memory_limit and V8's heap limit. Linux only: elsewhere only those last two and the
// time limit hold. Measured before, in the server: `select len(list_resize([], 100000000))` took
// it from 0.4 to 8.5 GB in 67 s; `repeat('x', 1e9)` to 2 GB.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BusyError, HttpError } from '../errors.ts';
import type { QueryMessage, WorkerMessage, WorkerSettings } from './protocol.ts';

export interface ProcessLimits {
  /** the process's data (RLIMIT_DATA) and the RSS it may reach, MiB; V8 and DuckDB get shares */
  memoryMb: number;
  threads: number;
  /** DuckDB's spill folder may grow to this (a DuckDB size: '4GB') */
  maxTempSize: string;
}

/** How often the server reads a running query's RSS, ms. */
const POLL_MS = 25;
/** A process that is not ready after this long is killed (tsx compiling the sources, a loaded machine). */
const START_TIMEOUT_MS = 60_000;

export type Answer = Extract<WorkerMessage, { type: 'result' }> & { body: Buffer };

type Ending = 'timeout' | 'memory' | 'retired' | 'closing' | 'failed';

let started = 0;

export class SqlProcess {
  private ending: Ending | null = null;
  private stderr = '';
  private nextId = 1;
  readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    /** the snapshot file it reads */
    readonly snapshot: string,
    private readonly memoryBytes: number,
    tempDirectory: string,
  ) {
    child.stderr?.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4096);
    });
    // a message sent as the process dies fails with EPIPE; its 'exit' answers the query, and an
    // 'error' without a listener would end the server
    child.on('error', () => this.kill('failed'));
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        // DuckDB removes its spill files on a clean close; a killed process leaves them
        rmSync(tempDirectory, { recursive: true, force: true });
        resolve();
      }),
    );
  }

  /** A process on `snapshot`, once it has opened it and is ready for a query. */
  static async start(snapshot: string, directory: string, limits: ProcessLimits) {
    const tempDirectory = join(directory, `tmp-${process.pid}-${++started}`);
    mkdirSync(tempDirectory, { recursive: true });
    const settings: WorkerSettings = {
      database: snapshot,
      duckdbMemory: `${Math.floor(limits.memoryMb / 4)}MB`,
      threads: limits.threads,
      tempDirectory,
      maxTempSize: limits.maxTempSize,
    };
    const node = [
      ...WORKER.execArgv,
      `--max-old-space-size=${Math.floor(limits.memoryMb / 3)}`,
      WORKER.file,
      JSON.stringify(settings),
    ];
    const options = {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'] as ('ignore' | 'pipe' | 'ipc')[],
      serialization: 'advanced' as const,
    };
    const child =
      process.platform === 'linux'
        ? // the shell sets the limit and becomes node (exec): one process, one pid to watch
          spawn(
            '/bin/sh',
            [
              '-c',
              'ulimit -d "$1" 2>/dev/null; shift; exec "$@"',
              'chitieu-sql',
              String(limits.memoryMb * 1024),
              process.execPath,
              ...node,
            ],
            options,
          )
        : spawn(process.execPath, node, options);
    const sandbox = new SqlProcess(child, snapshot, limits.memoryMb * 1048576, tempDirectory);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => sandbox.kill('failed'), START_TIMEOUT_MS);
      const done = (error?: Error) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        child.off('error', onError);
        if (error) reject(error);
        else resolve();
      };
      const onMessage = (m: WorkerMessage) => m.type === 'ready' && done();
      const onExit = (code: number | null, signal: string | null) =>
        done(
          new Error(
            `the SQL sandbox process did not start (${signal ?? `exit ${code}`}): ${sandbox.stderr.trim() || 'no message'}`,
          ),
        );
      const onError = (error: Error) => {
        // spawning failed: no 'exit' will remove the spill folder
        rmSync(tempDirectory, { recursive: true, force: true });
        done(error);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.once('error', onError);
    });
    return sandbox;
  }

  get alive(): boolean {
    return this.ending === null && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Whether it is fit for another query: DuckDB and the allocator keep much of what a heavy query
   * took (measured: one `list_resize` left a process holding 1.4 GB of data, 113 MB of it
   * resident, and its next query failed at once), so one holding more than half its budget of
   * data (what RLIMIT_DATA counts) is ended instead.
   */
  get reusable(): boolean {
    return this.alive && memoryOf(this.child.pid, 'VmData') < this.memoryBytes / 2;
  }

  /** Ends the process now, whatever it is doing. */
  kill(reason: Ending): void {
    this.ending ??= reason;
    this.child.kill('SIGKILL');
  }

  /** Runs one query; its answer, or the error that ended it (the process is then gone). */
  run(query: Omit<QueryMessage, 'type' | 'id'>, timeoutMs: number): Promise<Answer> {
    const id = this.nextId++;
    return new Promise<Answer>((resolve, reject) => {
      const timer = setTimeout(() => this.kill('timeout'), timeoutMs);
      const watch = setInterval(() => {
        if (memoryOf(this.child.pid, 'VmRSS') > this.memoryBytes) this.kill('memory');
      }, POLL_MS);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        clearInterval(watch);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        settle();
      };
      const onMessage = (m: WorkerMessage) => {
        if (m.type === 'result' && m.id === id) {
          const body = Buffer.from(m.body.buffer, m.body.byteOffset, m.body.byteLength);
          done(() => resolve({ ...m, body }));
        } else if (m.type === 'error' && m.id === id) {
          if (m.recycle) this.kill('retired');
          done(() => reject(new HttpError(m.status, m.code, m.message)));
        }
      };
      const onExit = (code: number | null, signal: string | null) =>
        done(() => reject(this.ended(code, signal, timeoutMs)));
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send({ type: 'query', id, ...query } satisfies QueryMessage, (error) => {
        if (error) this.kill('failed');
      });
    });
  }

  /** Why the process ended during a query, as the answer to that query. */
  private ended(code: number | null, signal: string | null, timeoutMs: number): HttpError {
    const mb = Math.round(this.memoryBytes / 1048576);
    const memory = new HttpError(
      400,
      'SQL_MEMORY_LIMIT',
      `the query needed more than ${mb} MB of memory and was stopped; aggregate more or select fewer rows`,
    );
    switch (this.ending) {
      case 'timeout':
        return new HttpError(
          400,
          'SQL_TIMEOUT',
          `the query ran longer than ${timeoutMs} ms and was stopped`,
        );
      case 'memory':
        return memory;
      case 'closing':
        return new BusyError(
          'SQL_UNAVAILABLE',
          'the server is shutting down; the query was stopped',
          5,
          'máy chủ đang dừng; truy vấn đã bị dừng',
        );
      default:
        // it died on its own: V8's heap limit, or an allocation past RLIMIT_DATA DuckDB did not
        // turn into an error, or a crash the query caused
        if (/out of memory|Allocation failed|bad_alloc|Cannot allocate/i.test(this.stderr)) {
          return memory;
        }
        return new HttpError(
          400,
          'SQL_ABORTED',
          `the query ended its sandbox process (${signal ?? `exit ${code}`}) before it answered`,
        );
    }
  }
}

/** A memory figure of a process (VmRSS, VmData), bytes (Linux); 0 where /proc cannot tell. */
export function memoryOf(pid: number | undefined, field: 'VmRSS' | 'VmData'): number {
  if (pid === undefined) return 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

const DROPPED = /^--(inspect|debug|eval|print|input-type|max-old-space-size|test|watch)/;
const DROPPED_WITH_VALUE = /^(--(eval|print|input-type|inspect-port|max-old-space-size)|-[ep])$/;
const KEPT_WITH_VALUE = /^(--(import|require|loader|experimental-loader|conditions)|-[rC])$/;

/** The parent's node flags that the child should share (loaders, conditions, warnings). */
export function childFlags(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i];
    if (DROPPED_WITH_VALUE.test(arg)) i++;
    else if (KEPT_WITH_VALUE.test(arg) && i + 1 < execArgv.length) kept.push(arg, execArgv[++i]);
    else if (arg.startsWith('-') && !DROPPED.test(arg)) kept.push(arg);
  }
  return kept;
}

/**
 * The worker's file and node's flags for it. The server runs from dist/ (compiled JavaScript) or
 * from the TypeScript sources (tsx, vitest): the worker is the sibling of this very file, .js or
 * .ts, and a .ts one needs tsx's loader, which the parent may have registered in-process (bin/,
 * vitest) so that its flags do not carry it. Of the parent's flags, those that would make the
 * child evaluate other code or open the parent's debugger port are left out.
 */
const WORKER = (() => {
  const self = fileURLToPath(import.meta.url);
  const typescript = self.endsWith('.ts');
  const file = self.replace(/process\.(ts|js)$/, `worker.$1`);
  const execArgv = childFlags(process.execArgv);
  if (typescript && !execArgv.some((a) => /\btsx\b/.test(a))) {
    const tsx = createRequire(import.meta.url).resolve('tsx');
    execArgv.push('--import', pathToFileURL(tsx).href);
  }
  return { file, execArgv };
})();
