// The worker thread's side of read-thread.ts: reads each file it is sent into its parts
// (formats.ts, the same readers the CLI runs in-process) and posts them back, or the error that
// stopped it. One file at a time: the server sends the next when this one is answered.
import { parentPort } from 'node:worker_threads';
import { readParts } from './formats.ts';
import type { ThreadAnswer, ThreadQuestion } from './read-thread.ts';

const port = parentPort!;
const post = (answer: ThreadAnswer) => port.postMessage(answer);

port.on('message', ({ id, source }: ThreadQuestion) => {
  readParts(source).then(
    (parts) => post({ id, ok: true, parts }),
    (error: unknown) => {
      const e = (error ?? {}) as Partial<Error> & { code?: unknown; syscall?: unknown };
      post({
        id,
        ok: false,
        error: {
          name: String(e.name ?? 'Error'),
          message: String(e.message ?? error),
          ...(typeof e.code === 'string' ? { code: e.code } : {}),
          ...(typeof e.syscall === 'string' ? { syscall: e.syscall } : {}),
        },
      });
    },
  );
});
