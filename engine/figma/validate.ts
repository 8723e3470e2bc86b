// A Figma node tree as it enters the converter: every field the converter reads checked
// against schema.ts, so it never meets a wrong type or an absurd number. What does not fit is
// left out with a warning (a bad field, fill, effect or outline; a layer without an id, a box
// or, for text, its characters and style); a tree too deep, too big or too wide is refused.
// The walk keeps its own stack: a document nested 100,000 deep is refused, not a stack overflow.
import type { Node } from '@figma/rest-api-spec';
import type { z } from 'zod';
import { LoupeError } from '../errors.ts';
import { BoundingBox, FIGMA_LIMITS, LISTS, NODE_FIELDS, TEXT_STYLE_FIELDS, boxOutOfRange } from './schema.ts';

/** Warnings about what was left out, at most MAX_WARNINGS of them, then a count of the rest. */
const MAX_WARNINGS = 20;

class Report {
  readonly warnings: string[] = [];
  private dropped = 0;

  warn(message: string): void {
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push(message);
    else this.dropped++;
  }

  all(): string[] {
    return this.dropped ? [...this.warnings, `…and ${this.dropped} more thing(s) left out of the Figma input.`] : this.warnings;
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Zod's first complaint, short: what a warning says was wrong. */
const problem = (error: z.ZodError) => {
  const issue = error.issues[0]!;
  return `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`;
};

/** `where`'s fields checked by `table`, each on its own: a bad one is left out with a warning. */
function checkFields(source: Json, table: Record<string, z.ZodType>, where: string, report: Report): Json {
  const out: Json = {};
  for (const [key, schema] of Object.entries(table)) {
    if (source[key] === undefined) continue;
    const parsed = schema.safeParse(source[key]);
    if (parsed.success) out[key] = parsed.data;
    else report.warn(`${where}: its ${key} is left out (${problem(parsed.error)}).`);
  }
  return out;
}

/** A list of paints, effects or outlines: each entry checked; past maxPaints, the topmost kept. */
function checkList(value: unknown, key: keyof typeof LISTS, where: string, report: Report): unknown[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    report.warn(`${where}: its ${key} is not a list, left out.`);
    return undefined;
  }
  const max = key.endsWith('Geometry') ? FIGMA_LIMITS.maxPaths : FIGMA_LIMITS.maxPaints;
  let entries = value;
  if (entries.length > max) {
    report.warn(`${where} has ${entries.length} ${key}: only the top ${max} are kept.`);
    // Figma lists them bottom to top.
    entries = entries.slice(-max);
  }
  return entries.flatMap((entry, i) => {
    const parsed = LISTS[key](entry).safeParse(entry);
    if (parsed.success) return [parsed.data];
    report.warn(`${where}: ${key}[${i}] is left out (${problem(parsed.error)}).`);
    return [];
  });
}

function checkTextStyle(value: unknown, where: string, report: Report): Json | undefined {
  if (!isObject(value)) return undefined;
  const style = checkFields(value, TEXT_STYLE_FIELDS, where, report);
  const fills = checkList(value.fills, 'fills', where, report);
  return fills ? { ...style, fills } : style;
}

/** The text's style overrides (checked by NODE_FIELDS), left out past maxTextRuns runs: the text is then drawn in its own style. */
function checkRuns(overrides: unknown, where: string, report: Report): Json {
  if (!Array.isArray(overrides)) return {};
  let runs = 1;
  for (let i = 1; i < overrides.length; i++) if (overrides[i] !== overrides[i - 1]) runs++;
  if (runs <= FIGMA_LIMITS.maxTextRuns) return {};
  report.warn(`${where} has ${runs} runs in styles of their own; Loupe keeps up to ${FIGMA_LIMITS.maxTextRuns}, so the text is drawn in its own style throughout.`);
  return { characterStyleOverrides: undefined };
}

/** The text layer's characters, style and overrides, or undefined when it has no characters or style. */
function checkText(source: Json, where: string, report: Report): Json | undefined {
  const { characters, style, styleOverrideTable } = source;
  if (typeof characters !== 'string' || characters.length > FIGMA_LIMITS.maxTextLength) {
    report.warn(`${where} is left out: its characters are ${typeof characters === 'string' ? `over ${FIGMA_LIMITS.maxTextLength} long` : 'missing'}.`);
    return undefined;
  }
  const checkedStyle = checkTextStyle(style, where, report);
  if (!checkedStyle) {
    report.warn(`${where} is left out: it has no text style.`);
    return undefined;
  }
  const overrides = Object.entries(isObject(styleOverrideTable) ? styleOverrideTable : {});
  if (overrides.length > FIGMA_LIMITS.maxTextRuns) {
    report.warn(`${where} has ${overrides.length} style overrides; Loupe keeps up to ${FIGMA_LIMITS.maxTextRuns}, so the text is drawn in its own style throughout.`);
    return { characters, style: checkedStyle };
  }
  // Built from entries, so an id such as "__proto__" stays a key like any other.
  const table = Object.fromEntries(
    overrides.flatMap(([id, override]) => {
      const checked = checkTextStyle(override, `${where}'s style override ${id}`, report);
      return checked ? [[id, checked]] : [];
    }),
  );
  return { characters, style: checkedStyle, styleOverrideTable: table, ...checkRuns(source.characterStyleOverrides, where, report) };
}

/** Why a layer cannot be drawn anywhere (malformed, or a box out of range), else undefined. */
function unusable(source: unknown): { why: string; tooLarge?: true } | undefined {
  if (!isObject(source)) return { why: `is ${source === null ? 'null' : `a ${typeof source}`}, not a layer` };
  if (typeof source.id !== 'string' || typeof source.type !== 'string') return { why: 'has no id or type' };
  if (source.absoluteBoundingBox === undefined || source.absoluteBoundingBox === null) return undefined;
  const box = BoundingBox.safeParse(source.absoluteBoundingBox);
  if (!box.success) return { why: `has a malformed bounding box (${problem(box.error)})` };
  const range = boxOutOfRange(box.data);
  return range ? { why: range, tooLarge: true } : undefined;
}

/** The layer's checked fields, children aside; undefined when it is left out. */
function checkNode(source: Json, where: string, report: Report): Json | undefined {
  const node: Json = {
    id: source.id,
    type: source.type,
    // Names become class names, component names and comments: a page of a name is cut short.
    name: typeof source.name === 'string' ? source.name.slice(0, FIGMA_LIMITS.maxNameLength) : String(source.type).toLowerCase(),
    // unusable() let through only a well-formed box or none.
    ...(isObject(source.absoluteBoundingBox) ? { absoluteBoundingBox: BoundingBox.parse(source.absoluteBoundingBox) } : {}),
    ...checkFields(source, NODE_FIELDS, where, report),
  };
  for (const key of Object.keys(LISTS) as Array<keyof typeof LISTS>) {
    const list = checkList(source[key], key, where, report);
    if (list) node[key] = list;
  }
  if (source.type !== 'TEXT') return node;
  const text = checkText(source, where, report);
  return text && { ...node, ...text };
}

const describe = (source: unknown, path: string) =>
  isObject(source) && typeof source.name === 'string' ? `"${source.name.slice(0, 80)}"` : `the layer at ${path}`;

/**
 * The node tree checked and copied: the converter reads only what passed. Refuses (with
 * `name`, the file's name, in the message) a root that is no layer, and a tree past the limits.
 */
export function checkFigmaTree(root: unknown, name: string): { node: Node; warnings: string[] } {
  const report = new Report();
  const bad = unusable(root);
  if (bad?.tooLarge) {
    throw new LoupeError('INPUT_TOO_LARGE', `${name}: the Figma node to convert ${bad.why}. Pick another frame with --node.`);
  }
  if (bad) throw new LoupeError('INPUT_CORRUPT', `${name}: the Figma node to convert ${bad.why}. Save the Figma API response or the plugin's export again.`);
  const out: Json[] = [];
  const stack: Array<{ source: unknown; path: string; depth: number; into: Json[] }> = [{ source: root, path: 'the root', depth: 0, into: out }];
  let count = 0;
  while (stack.length) {
    const { source, path, depth, into } = stack.pop()!;
    const where = describe(source, path);
    const skip = unusable(source);
    if (skip) {
      report.warn(`${where} is left out: it ${skip.why}.`);
      continue;
    }
    if (++count > FIGMA_LIMITS.maxNodes) {
      throw new LoupeError('INPUT_TOO_LARGE', `${name} has over ${FIGMA_LIMITS.maxNodes} layers in the node to convert; pick a smaller frame with --node.`);
    }
    if (depth > FIGMA_LIMITS.maxDepth) {
      throw new LoupeError('INPUT_TOO_LARGE', `${name} nests layers over ${FIGMA_LIMITS.maxDepth} deep (at ${where}); Loupe converts up to ${FIGMA_LIMITS.maxDepth} levels. Pick a frame further down with --node, or flatten groups in Figma.`);
    }
    const node = checkNode(source as Json, where, report);
    if (!node) continue;
    into.push(node);
    const children = (source as Json).children;
    if (children === undefined) continue;
    if (!Array.isArray(children)) {
      report.warn(`${where}: its children are not a list, left out.`);
      continue;
    }
    if (children.length > FIGMA_LIMITS.maxChildren) {
      throw new LoupeError('INPUT_TOO_LARGE', `${name}: ${where} holds ${children.length} layers directly; Loupe converts up to ${FIGMA_LIMITS.maxChildren} in one layer. Group them in Figma, or pick a smaller frame with --node.`);
    }
    const kids: Json[] = [];
    node.children = kids;
    // Last pushed is first taken: children come out in their order.
    for (let i = children.length - 1; i >= 0; i--) stack.push({ source: children[i], path: `${path}.children[${i}]`, depth: depth + 1, into: kids });
  }
  if (!out[0]) throw new LoupeError('INPUT_CORRUPT', `${name}: the Figma node to convert has nothing Loupe can read. Save the Figma API response or the plugin's export again.`);
  return { node: out[0] as unknown as Node, warnings: report.all() };
}
