// Runs the `loupe` command as a user would, in its own process: for the CLI's tests.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const bin = new URL('../bin/loupe.js', import.meta.url).pathname;

export interface LoupeRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function loupe(...args: string[]): Promise<LoupeRun> {
  return loupeIn({}, ...args);
}

/** `loupe` run from another folder or with another environment (a fresh home, a private temp folder). */
export async function loupeIn(where: { cwd?: string; env?: NodeJS.ProcessEnv }, ...args: string[]): Promise<LoupeRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { ...where, maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as LoupeRun;
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
