// Picks the next token from the logits: greedy (the highest, ties to the lower id, so a run is
// reproducible), or temperature and nucleus (top-p) sampling from a seeded generator.
import { SeededRandom } from './random.ts';

export interface SamplingOptions {
  /** 0 is greedy. */
  temperature: number;
  /** Keep the smallest set of tokens whose probabilities add up to this (1 keeps all). */
  topP: number;
  seed: number;
}

export const GREEDY: SamplingOptions = { temperature: 0, topP: 1, seed: 0 };

export function argmax(logits: Float32Array): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  return best;
}

export class Sampler {
  private readonly random: SeededRandom;

  constructor(private readonly options: SamplingOptions) {
    this.random = new SeededRandom(options.seed);
  }

  next(logits: Float32Array): number {
    const { temperature, topP } = this.options;
    if (temperature <= 0) return argmax(logits);
    let max = -Infinity;
    for (const v of logits) if (v > max) max = v;
    const probs = new Float64Array(logits.length);
    let total = 0;
    for (let i = 0; i < logits.length; i++) total += probs[i] = Math.exp((logits[i]! - max) / temperature);
    const order = Array.from({ length: logits.length }, (_, i) => i).sort((a, b) => probs[b]! - probs[a]! || a - b);
    // The nucleus: the most likely tokens until their share reaches topP (at least one).
    let kept = 0;
    let mass = 0;
    while (kept < order.length && (kept === 0 || mass < topP * total)) mass += probs[order[kept++]!]!;
    let x = this.random.uniform() * mass;
    for (let k = 0; k < kept; k++) {
      x -= probs[order[k]!]!;
      if (x <= 0) return order[k]!;
    }
    return order[kept - 1]!;
  }
}

/**
 * Watches the text as it is generated for any of the stop sequences; `push` returns the text
 * that is safe to show (held back while it could still be the start of a stop sequence) and
 * whether a stop sequence was reached (the text before it is shown, the sequence is not).
 */
export class StopWatcher {
  private pending = '';

  constructor(private readonly stops: readonly string[]) {}

  push(text: string): { show: string; stopped: boolean } {
    this.pending += text;
    let cut = -1;
    for (const s of this.stops) {
      const at = this.pending.indexOf(s);
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) {
      const show = this.pending.slice(0, cut);
      this.pending = '';
      return { show, stopped: true };
    }
    // Hold back the longest tail that is a prefix of some stop sequence.
    let hold = 0;
    for (const s of this.stops) for (let n = Math.min(s.length - 1, this.pending.length); n > hold; n--) if (this.pending.endsWith(s.slice(0, n))) hold = n;
    const show = this.pending.slice(0, this.pending.length - hold);
    this.pending = this.pending.slice(this.pending.length - hold);
    return { show, stopped: false };
  }

  /** What is still held back when generation ends without a stop sequence. */
  flush(): string {
    const rest = this.pending;
    this.pending = '';
    return rest;
  }
}
