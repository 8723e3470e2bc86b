import { InvalidArgumentError } from 'commander';
import { STACK_NAMES, type Stack } from '../codegen/stacks.ts';
import { MODES, type Mode } from '../think/modes.ts';

/** A flag whose value is one of `values`. */
export const parseChoice =
  <T extends string>(values: readonly T[]) =>
  (value: string): T => {
    if (!(values as readonly string[]).includes(value)) throw new InvalidArgumentError(`choose one of ${values.join(', ')}.`);
    return value as T;
  };

export const parseStack: (value: string) => Stack = parseChoice(STACK_NAMES);
/** --stack's help: the stacks there are. */
export const STACK_CHOICES = STACK_NAMES.join(' | ');

/** A model package's weights: `--quant` of `loupe models convert`, `inspect` and `create-test`. */
export const QUANTS = ['int4', 'int8', 'none'] as const;

/** MatMulNBits' accuracy level for the model engine: 4 (int8 activations) or 0 (float32). */
export const parseAccuracy = (value: string) => Number(parseChoice(['0', '4'] as const)(value)) as 0 | 4;

/** How the engine's CPU pool holds the routed experts (engine/moe/runtime/expert-store.ts). */
export const EXPERT_FORMS = ['auto', 'session', 'stored'] as const;
export const EXPERTS_HELP =
  'how the CPU holds the routed experts: auto (session when --cpu-budget holds every routed expert, else stored; the default) | session (onnxruntime sessions, the fastest multiply, about 1.4× the stored bytes in memory) | stored (the stored int4 bytes as they are, run by the int4 kernel: 1.0× in memory, no session builds, a slower multiply)';

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number.');
  return n;
}

export const parseMode: (value: string) => Mode = parseChoice(MODES);

const SIZE_UNITS: Record<string, number> = { b: 1, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12 };

/** A size in bytes: `24GiB`, `512MiB`, `80GB` (powers of ten), or a plain number of GiB. */
export function parseSize(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$/i.exec(value);
  const unit = m?.[2] ? SIZE_UNITS[m[2].toLowerCase()] : 2 ** 30;
  if (!m || unit === undefined) throw new InvalidArgumentError('expected a size: a number with B, KiB, MiB, GiB, TiB (or KB, MB, GB, TB), e.g. 24GiB; a plain number is GiB.');
  return Math.floor(Number(m[1]) * unit);
}

/** A rate in GB/s (10⁹ bytes a second), more than 0. */
export function parseGBps(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected GB/s, a number more than 0 (e.g. 3350 for an H100, 50 for two DDR5 channels).');
  return n;
}
