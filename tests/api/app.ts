// A real server on a copy of the demo database, driven through app.inject (no port needed).
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../api/server.ts';
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
