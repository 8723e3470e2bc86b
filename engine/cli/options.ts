import { InvalidArgumentError } from 'commander';
import { STACKS, type Stack } from '../codegen/index.ts';
import { MODES, type Mode } from '../pipeline/convert.ts';

export function parseStack(value: string): Stack {
  if (!(STACKS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`choose one of ${STACKS.join(', ')}.`);
  }
  return value as Stack;
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number.');
  return n;
}

export function parseMode(value: string): Mode {
  if (!(MODES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`choose one of ${MODES.join(', ')}.`);
  }
  return value as Mode;
}
