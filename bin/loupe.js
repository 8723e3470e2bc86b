#!/usr/bin/env node
// The CLI is TypeScript run through tsx's loader, so an install needs no build step.
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../engine/cli/main.ts');
// A source checkout also has the development commands (`loupe bench …`, `loupe models
// create-test`); the packaged app ships without bench/ and testing/, and so without them.
const developmentCommands = [];
for (const path of ['../bench/cli.ts', '../testing/cli.ts']) {
  const url = new URL(path, import.meta.url);
  if (existsSync(url)) developmentCommands.push((await import(url.href)).registerCommands);
}
process.exitCode = await main(process.argv.slice(2), developmentCommands);
