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

/** MatMulNBits' accuracy level for the model engine: 4 (int8 activations) or 0 (float32). */
export const parseAccuracy = (value: string) => Number(parseChoice(['0', '4'] as const)(value)) as 0 | 4;

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number.');
  return n;
}

export const parseMode: (value: string) => Mode = parseChoice(MODES);
