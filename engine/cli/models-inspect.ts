// `loupe models inspect <hf-dir>`: the report of engine/moe/inspect, for people or (--json) scripts.
import { totalmem } from 'node:os';
import type { Command } from 'commander';
import type { QuantChoice } from '../moe/convert-checkpoint.ts';
import type { InspectReport } from '../moe/inspect/inspect-checkpoint.ts';
import { QUANTS, parseChoice, parsePositiveInt, parseSize } from './options.ts';

const GiB = 2 ** 30;
const MiB = 2 ** 20;


// Binary units throughout, as --gpu-mem / --ram take them and the engine's budgets (MiB) count.
export function bytesText(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(2)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} B`;
}

const percent = (share: number) => `${(share * 100).toFixed(share > 0 && share < 0.01 ? 2 : 1)} %`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const listed = (names: readonly string[], most = 8) => names.slice(0, most).join(', ') + (names.length > most ? `, … (${names.length - most} more)` : '');

export function inspectText(r: InspectReport): string {
  const lines: string[] = [r.dir];
  const m = r.model;
  lines.push(`Family:     ${r.family.name} (model_type ${r.family.modelType}, ${r.family.layout} config.json)`);
  lines.push(`Weights:    ${r.format.description}`);
  lines.push(r.convertible ? 'Convert:    yes, `loupe models convert` takes it' : `Convert:    not yet: ${r.refusals.join('; ')}`);
  lines.push(`Model:      ${m.layers} decoder layers (${m.moeLayers} MoE), ${m.routedExperts} routed experts a layer, ${m.activatedExperts} activated a token, ${m.sharedExperts} shared; hidden ${m.hidden}, vocabulary ${m.vocab}`);
  lines.push(`Converted:  ${plural(r.converted.tensors, 'tensor')} (${bytesText(r.converted.bytes)} of the checkpoint's ${bytesText(r.checkpointBytes)})`);
  const { mtp, vision, unused } = r.leftOut;
  lines.push(
    mtp.tensors
      ? `Left out:   multi-token-prediction ${plural(mtp.layers, 'layer')} (${plural(mtp.tensors, 'tensor')}, ${bytesText(mtp.bytes)}): ${mtp.layers === 1 ? 'it only drafts' : 'they only draft'} tokens for speculative decoding, which Loupe does not do`
      : 'Left out:   no multi-token-prediction layers',
  );
  lines.push(`Vision:     ${!r.vision.present ? 'none (text only)' : r.vision.converted ? `converted${r.vision.note ? ` (${r.vision.note})` : ''}` : `left out${r.vision.note ? `: ${r.vision.note}` : ''}`}${vision.tensors ? ` (${plural(vision.tensors, 'tensor')}, ${bytesText(vision.bytes)})` : ''}`);
  lines.push(`Unused:     ${unused.tensors ? `${plural(unused.tensors, 'tensor')} nothing reads (${bytesText(unused.bytes)}): ${listed(unused.names)}` : 'none: every other tensor is read'}`);
  const block = r.sizes.int4.blockSize;
  lines.push(`Package:    ${QUANTS.map((q) => `${bytesText(r.sizes[q].bytes)} at --quant ${q}${q === r.memory.quant ? ' (*)' : ''}`).join(', ')} (blocks of ${block}, scales and zero points included)`);

  const p = r.memory;
  const b = p.budgets;
  lines.push(`Memory (*): with ${b.gpuBytes !== undefined ? `${(b.gpuBytes / GiB).toFixed(1)} GiB of GPU memory and ` : 'no GPU and '}${(b.ramBytes / GiB).toFixed(1)} GiB of RAM`);
  const denseWhere =
    p.denseOn === 'gpu' ? 'on the GPU, the embedding in RAM' : p.denseOn === 'ram' ? `in RAM${b.gpuBytes !== undefined ? ' (more than the GPU holds: `loupe models plan` on the converted package puts what fits there, layer by layer)' : ''}` : 'nowhere: more than the RAM holds';
  lines.push(`  dense weights, always resident: ${bytesText(p.denseBytes)}${p.visionBytes ? ` (vision ${bytesText(p.visionBytes)})` : ''}, ${denseWhere}`);
  lines.push(`  routed experts: ${p.routedExperts} (${p.moeLayers} layers × ${m.routedExperts}) of ${bytesText(p.bytesPerExpert)} each, ${bytesText(p.expertBytes)} in all`);
  // The budget to give `engine run`: what the pool's experts take, never more than there is.
  const flag = (pool: { budgetBytes: number; experts: number }) => Math.min(Math.floor(pool.budgetBytes / MiB), Math.ceil((pool.experts * p.bytesPerExpert) / MiB));
  if (p.gpu) lines.push(`    GPU pool, ${bytesText(p.gpu.budgetBytes)} free: ${p.gpu.experts} experts, ${percent(p.gpu.share)} (engine run --accelerator-budget ${flag(p.gpu)}, in MiB)`);
  lines.push(`    RAM pool, ${bytesText(p.ram.budgetBytes)} free after the dense weights it holds: ${p.ram.experts} experts, ${percent(p.ram.share)} (engine run --cpu-budget ${flag(p.ram)}, in MiB)`);
  lines.push(`    read from disk when routed to: ${p.onDisk.experts} experts, ${percent(p.onDisk.share)}`);
  const k = m.activatedExperts;
  lines.push(`  bytes the hardware must read per decoded token, worst case: ${bytesText(p.perToken.expertBytes + p.perToken.denseBytes)}`);
  lines.push(`    experts ${k} × ${bytesText(p.bytesPerExpert)} × ${p.moeLayers} MoE layers = ${bytesText(p.perToken.expertBytes)}, plus dense ${bytesText(p.perToken.denseBytes)}; of it from disk: ${bytesText(p.perToken.fromDiskBytes)}`);
  return lines.join('\n') + '\n';
}

interface InspectFlags {
  quant: QuantChoice;
  blockSize?: number;
  gpuMem?: number;
  ram?: number;
  json?: boolean;
}

export function registerInspect(models: Command): void {
  models
    .command('inspect')
    .description('what a Hugging Face checkpoint is and what converting it gives (family, weight format, what is left out, package size, memory), from config.json and the shard headers only')
    .argument('<hf-dir>', 'the checkpoint folder')
    .option('--quant <q>', 'the quantisation the memory plan is for: int4 | int8 | none', parseChoice(QUANTS), 'int4')
    .option('--block-size <n>', "values per quantisation block (default 32; an int4 release's own group size)", parsePositiveInt)
    .option('--gpu-mem <size>', 'GPU memory for the engine, e.g. 24GiB (a plain number is GiB; none: no GPU)', parseSize)
    .option('--ram <size>', "RAM for the engine, e.g. 64GiB (default: this machine's)", parseSize)
    .option('--json', 'print the report as JSON')
    .action(async (hfDir: string, opts: InspectFlags) => {
      const { inspectCheckpoint } = await import('../moe/inspect/inspect-checkpoint.ts');
      const report = inspectCheckpoint(hfDir, {
        quant: opts.quant,
        blockSize: opts.blockSize,
        budgets: { ...(opts.gpuMem !== undefined ? { gpuBytes: opts.gpuMem } : {}), ramBytes: opts.ram ?? totalmem() },
      });
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : inspectText(report));
    });
}
