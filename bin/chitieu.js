#!/usr/bin/env node
// The `chitieu` command: registers tsx's loader so the TypeScript sources run as they are
// (no build step to forget after `npm ci`), then hands over to the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../pipelines/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
