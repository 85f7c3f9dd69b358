// A real server on a copy of the demo database, driven through app.inject (no port needed); and
// the one a test file shares across its tests, with the read helpers the API tests use.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { buildServer } from '../../cli/server.ts';
import { readConfig, type ServerConfig } from '../../api/config.ts';
import { tempDir } from '../helpers.ts';

export interface TestApp {
  app: FastifyInstance;
  dir: string;
  config: ServerConfig;
  close: () => Promise<void>;
}

export async function demoApp(overrides: Partial<ServerConfig> = {}): Promise<TestApp> {
  const { dir, cleanup } = tempDir();
  const dbPath = join(dir, 'demo.duckdb');
  copyFileSync(inject('demoDb'), dbPath);
  const config = readConfig(
    {},
    { dbPath, tokensPath: join(dir, 'tokens.json'), logLevel: 'silent', ...overrides },
  );
  const app = await buildServer(config, false);
  return {
    app,
    dir,
    config,
    close: async () => {
      await app.close();
      cleanup();
    },
  };
}

export interface SharedApp {
  /** the running app, its folder and config: read them inside tests and hooks (it starts in a beforeAll) */
  readonly app: FastifyInstance;
  readonly dir: string;
  readonly config: ServerConfig;
  /** GET `url`, expect 200 and return the body parsed by `schema` (the OpenAPI doc must not lie) */
  get<S extends z.ZodType>(url: string, schema: S): Promise<z.infer<S>>;
  /** GET `url`, expect `status` with error `code`; the error's message */
  fails(url: string, status: number, code: string): Promise<string>;
  /** rows of a query on a read connection of the same database */
  sql<T = Record<string, unknown>>(query: string, params?: Record<string, string>): Promise<T[]>;
}

/**
 * One demo app for the calling test file: started before its tests, closed after them. Hooks the
 * file registers before this call run before the app starts (a faked clock, say).
 */
export function useDemoApp(overrides: Partial<ServerConfig> = {}): SharedApp {
  let t: TestApp | undefined;
  beforeAll(async () => {
    t = await demoApp(overrides);
  });
  afterAll(async () => t?.close());
  const started = (): TestApp => {
    if (!t) throw new Error('the demo app is not started: use it inside a test or a hook');
    return t;
  };
  const app = () => started().app;
  return {
    get app() {
      return app();
    },
    get dir() {
      return started().dir;
    },
    get config() {
      return started().config;
    },
    async get(url, schema) {
      const res = await app().inject(url);
      expect(res.statusCode, res.body).toBe(200);
      return schema.parse(res.json());
    },
    async fails(url, status, code) {
      const res = await app().inject(url);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().error.code).toBe(code);
      return res.json().error.message;
    },
    sql: (query, params = {}) => app().warehouse.read((db) => db.all(query, params)),
  };
}
