// `chitieu serve` and SIGTERM: a real process with an upload in flight that its client never
// finishes. The server waits CHITIEU_SHUTDOWN_MS for it, cuts the connection, closes the database
// and exits 0; the file is free for the next process. No assertion on time: the order of events.
import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { Database, PROJECT_ROOT } from '../../pipelines/db/connect.ts';
import { TokenStore } from '../../api/tokens.ts';
import { tempDir } from '../helpers.ts';

describe('chitieu serve on SIGTERM', () => {
  it('cuts a request still in flight after the deadline and exits 0, the database closed', async () => {
    const { dir, cleanup } = tempDir();
    const dbPath = join(dir, 'demo.duckdb');
    copyFileSync(inject('demoDb'), dbPath);
    const tokensPath = join(dir, 'tokens.json');
    const { token } = new TokenStore(tokensPath).create('admin', null, 'shutdown test');
    const server = spawn(
      process.execPath,
      [join(PROJECT_ROOT, 'bin/chitieu.js'), 'serve', '--port', '0'],
      {
        env: {
          ...process.env,
          CHITIEU_DB: dbPath,
          CHITIEU_TOKENS: tokensPath,
          CHITIEU_SHUTDOWN_MS: '300',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const events: string[] = [];
    let output = '';
    const seen = (pattern: RegExp) =>
      new Promise<RegExpMatchArray>((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(output);
          if (m) resolve(m);
        };
        server.stdout.on('data', check);
        server.on('exit', () => reject(new Error(`exited before ${pattern}:\n${output}`)));
        check();
      });
    server.stdout.on('data', (d: Buffer) => (output += d.toString()));
    server.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) =>
      server.on('exit', (code) => {
        events.push('server exited');
        resolve(code);
      }),
    );
    try {
      const [, port] = await seen(/on http:\/\/127\.0\.0\.1:(\d+)/);

      // an upload whose body never finishes arriving
      const socket = connect(Number(port), '127.0.0.1');
      const cut = new Promise<void>((resolve) =>
        socket.on('close', () => {
          events.push('connection closed');
          resolve();
        }),
      );
      socket.on('error', () => undefined);
      socket.write(
        'POST /api/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
          `Authorization: Bearer ${token}\r\n` +
          'Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 100000\r\n\r\n' +
          '--x\r\nContent-Disposition: form-data; name="file"; filename="slow.csv"\r\n\r\n' +
          'unit_code,period,metric,value\r\n',
      );
      await seen(/"url":"\/api\/ingest"/);
      events.push('upload in flight');

      server.kill('SIGTERM');
      expect(await exited).toBe(0);
      await cut;
      expect(events).toContain('connection closed');
      // the server's own log says in which order it went
      const order = [
        '"msg":"incoming request"',
        '"msg":"shutting down"',
        'shutdown deadline passed',
        '"outcome":"forced"',
      ].map((line) => output.indexOf(line));
      expect(
        order.every((at) => at >= 0),
        output,
      ).toBe(true);
      expect([...order].sort((x, y) => x - y)).toEqual(order);
      // the file was closed: another process may open it
      const db = await Database.open(dbPath);
      db.close();
    } finally {
      server.kill('SIGKILL');
      cleanup();
    }
  });

  it('cuts a slow export in flight (a client that stops reading) after the deadline and exits 0', async () => {
    const { dir, cleanup } = tempDir();
    const dbPath = join(dir, 'demo.duckdb');
    copyFileSync(inject('demoDb'), dbPath);
    const server = spawn(
      process.execPath,
      [join(PROJECT_ROOT, 'bin/chitieu.js'), 'serve', '--port', '0'],
      {
        env: {
          ...process.env,
          CHITIEU_DB: dbPath,
          CHITIEU_TOKENS: join(dir, 'tokens.json'),
          CHITIEU_SHUTDOWN_MS: '300',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    server.stdout.on('data', (d: Buffer) => (output += d.toString()));
    server.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
    const seen = (pattern: RegExp) =>
      new Promise<RegExpMatchArray>((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(output);
          if (m) resolve(m);
        };
        server.stdout.on('data', check);
        server.on('exit', () => reject(new Error(`exited before ${pattern}:\n${output}`)));
        check();
      });
    try {
      const [, port] = await seen(/on http:\/\/127\.0\.0\.1:(\d+)/);
      // every figure of the country as CSV, to a client that reads a chunk every 50 ms: the
      // server's writes back up, and the export holds its connection and its gate's slot
      const socket = connect(Number(port), '127.0.0.1');
      socket.on('error', () => undefined);
      const started = new Promise<void>((resolve) => socket.once('data', () => resolve()));
      socket.on('data', () => {
        socket.pause();
        setTimeout(() => socket.resume(), 50).unref();
      });
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.write('GET /api/export/observations.csv?unit=VN HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await started;
      server.kill('SIGTERM');
      expect(await exited, output).toBe(0);
      await closed;
      // it waited for the export, then cut it: both said after "shutting down"
      const at = (line: string) => output.indexOf(line);
      const shutting = at('"msg":"shutting down"');
      expect(shutting, output).toBeGreaterThanOrEqual(0);
      expect(at('shutdown deadline passed'), output).toBeGreaterThan(shutting);
      expect(at('"outcome":"forced"'), output).toBeGreaterThan(shutting);
      // the file was closed: another process may open it, and its figures are all there
      const db = await Database.open(dbPath);
      expect(Number(await db.scalar('select count(*) from core.batches'))).toBeGreaterThan(0);
      db.close();
    } finally {
      server.kill('SIGKILL');
      cleanup();
    }
  });
});
