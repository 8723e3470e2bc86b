#!/usr/bin/env node
// Node 20's test runner takes no globs, so the test files are listed here; tests sit beside
// the code they test. Arguments narrow the run to paths that contain one of them.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const roots = ['engine', 'testing', 'bench', 'renderer/src', 'electron', 'figma-plugin', 'scripts', 'e2e'];
const filters = process.argv.slice(2);
const files = roots
  .flatMap((root) => readdirSync(root, { recursive: true }).map((f) => `${root}/${f}`))
  .filter((f) => f.endsWith('.test.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// A file whose tests have all ended exits even if something it started is still running (a
// failed test's server, say): otherwise the run waits for it for ever and CI runs out of time
// instead of reporting the failure.
const { status } = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-force-exit', ...files],
  { stdio: 'inherit' },
);
process.exit(status ?? 1);
