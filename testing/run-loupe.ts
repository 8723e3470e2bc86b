// Runs the `loupe` command as a user would, in its own process: for the CLI's tests.
import { execFile, type ExecFileOptions } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const bin = new URL('../bin/loupe.js', import.meta.url).pathname;

export interface LoupeRun {
  code: number;
  stdout: string;
  stderr: string;
}

export const loupe = (...args: string[]): Promise<LoupeRun> => loupeWith({}, ...args);

/** `loupe` with the process's options: another user (uid), environment, working folder. */
export async function loupeWith(options: ExecFileOptions, ...args: string[]): Promise<LoupeRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { maxBuffer: 1 << 26, ...options, encoding: 'utf8' });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as LoupeRun;
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
