// `loupe figma <key|link> --node <id>`: fetches a frame from Figma's REST API into <out>/figma/
// and converts what it saved there, as `loupe convert <json> --png … --images …` would, so the
// user keeps the fetched files and can convert them again offline.
import type { Command } from 'commander';
import { join } from 'node:path';
import { LoupeError } from '../errors.ts';
import { FIGMA_API, TOKEN_HELP, fetchFigmaFrame, normaliseNodeId, parseFigmaTarget } from '../figma/rest-api.ts';
import { writeFilesInside } from '../pipeline/output.ts';
import { checkOutputFolder } from '../pipeline/output-folder.ts';
import { reportConversion, runConversion, withConversionOptions, type ConversionFlags } from './convert.ts';
import type { CliContext } from './main.ts';

interface FigmaFlags extends ConversionFlags {
  node?: string;
  api?: string;
}

export function registerFigma(program: Command, context: CliContext): void {
  const command = program
    .command('figma')
    .description("fetch a frame from Figma's REST API (token in FIGMA_TOKEN) into <out>/figma/, then convert, render and score it")
    .argument('<file>', "the Figma file's key, or the frame's link (https://www.figma.com/design/<key>/…?node-id=1-2)");
  withConversionOptions(command)
    .option('--node <id>', "the frame: 1:2, or 1-2 as in Figma links (default: the link's node-id)")
    .option('--api <url>', `Figma's API address (default: LOUPE_FIGMA_API, else ${FIGMA_API})`)
    .action(async (file: string, opts: FigmaFlags) => {
      const target = parseFigmaTarget(file);
      const nodeId = frameOf(target.nodeId, opts.node);
      if (opts.mode === 'think') {
        const { FIGMA_THINK_REFUSED } = await import('../pipeline/figma-input.ts');
        throw new LoupeError('INVALID_ARGUMENT', `${FIGMA_THINK_REFUSED} Leave out --mode think.`);
      }
      const token = process.env.FIGMA_TOKEN?.trim();
      if (!token) throw new LoupeError('AUTH_MISSING', `No Figma token: FIGMA_TOKEN is not set. ${TOKEN_HELP}`);
      await checkOutputFolder(opts.out, '--out');

      if (process.stderr.isTTY) process.stderr.write(`fetching node ${nodeId} of ${target.fileKey} from Figma…\n`);
      const frame = await fetchFigmaFrame(target.fileKey, nodeId, {
        token,
        baseUrl: opts.api ?? (process.env.LOUPE_FIGMA_API || undefined),
        signal: context.signal,
      });
      for (const w of frame.warnings) process.stderr.write(`warning: ${w}\n`);
      // Figma writes node ids with a colon; file names take the link's dash.
      const name = nodeId.replaceAll(':', '-');
      const fetched = await writeFilesInside(opts.out, [
        { path: `figma/${name}.json`, contents: frame.nodesJson },
        { path: `figma/${name}.png`, contents: frame.png },
        ...frame.images.map((i) => ({ path: `figma/images/${i.ref}.${i.ext}`, contents: i.bytes })),
        ...(frame.variablesJson ? [{ path: 'figma/variables.json', contents: frame.variablesJson }] : []),
      ]);

      const result = await runConversion(join(opts.out, fetched[0]!), opts, context, {
        nodeId,
        png: join(opts.out, fetched[1]!),
        imagesDir: frame.images.length ? join(opts.out, 'figma', 'images') : undefined,
        variables: frame.variablesJson ? join(opts.out, 'figma', 'variables.json') : undefined,
      });
      if (!opts.json) {
        process.stdout.write(`Fetched node ${nodeId} of ${target.fileKey} into ${join(opts.out, 'figma')}: ${name}.json, ${name}.png and ${frame.images.length} image fill(s)\n`);
      }
      reportConversion({ ...result, fetched }, opts.json);
    });
}

/** The node to fetch: --node, or the link's node-id; both must agree when both are given. */
function frameOf(fromLink: string | undefined, fromFlag: string | undefined): string {
  const flag = fromFlag === undefined ? undefined : normaliseNodeId(fromFlag);
  if (flag && fromLink && flag !== fromLink) {
    throw new LoupeError('INVALID_ARGUMENT', `The link points at node ${fromLink} but --node says ${flag}; give one of them.`);
  }
  const nodeId = flag ?? fromLink;
  if (!nodeId) {
    throw new LoupeError('INVALID_ARGUMENT', "Name the frame to fetch: --node <id> (1-2 from the frame's link, node-id=1-2), or pass the frame's link instead of the key.");
  }
  return nodeId;
}
