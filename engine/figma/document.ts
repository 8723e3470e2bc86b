// Which Figma node a JSON file holds: a GET /v1/files/:key/nodes response (`nodes: {id:
// {document}}`), a GET /v1/files/:key response (`document`), or a single node as the plugin's
// JSON_REST_V1 export writes it. The frame to convert is `--node` or the first top-level frame,
// checked by validate.ts before the converter sees it. Searching the document keeps its own
// stack, so no nesting is too deep to search.
import type { Node } from '@figma/rest-api-spec';
import { LoupeError } from '../errors.ts';
import { checkFigmaTree } from './validate.ts';

const FRAME_TYPES = new Set(['FRAME', 'COMPONENT', 'COMPONENT_SET', 'INSTANCE', 'SECTION']);

export const isFrameLike = (n: Node) => FRAME_TYPES.has(n.type);

const isNode = (v: unknown): v is Node =>
  typeof v === 'object' && v !== null && typeof (v as Node).id === 'string' && typeof (v as Node).type === 'string';

interface ComponentMeta {
  name: string;
  componentSetId?: string;
}

/**
 * The name each component in the file goes by: a variant's is its component set's ("Button",
 * not "Size=Large, State=Hover"), since all variants are one component with props.
 */
function componentNamesOf(json: unknown): Map<string, string> {
  const names = new Map<string, string>();
  if (typeof json !== 'object' || json === null) return names;
  const o = json as { nodes?: Record<string, unknown>; components?: unknown; componentSets?: unknown };
  const sources = o.nodes && typeof o.nodes === 'object' ? Object.values(o.nodes) : [o];
  for (const src of sources) {
    if (typeof src !== 'object' || src === null) continue;
    const { components, componentSets } = src as { components?: Record<string, ComponentMeta>; componentSets?: Record<string, { name: string }> };
    for (const [id, c] of Object.entries(components ?? {})) {
      if (typeof c !== 'object' || c === null) continue;
      const name = (typeof c.componentSetId === 'string' && componentSets?.[c.componentSetId]?.name) || c.name;
      if (typeof name === 'string' && name) names.set(id, name);
    }
  }
  return names;
}

/** The roots a Figma JSON file holds, in document order. */
function rootsOf(json: unknown): Node[] {
  if (typeof json !== 'object' || json === null) return [];
  const o = json as { nodes?: Record<string, { document?: unknown } | null>; document?: unknown };
  if (o.nodes && typeof o.nodes === 'object') {
    return Object.values(o.nodes).flatMap((entry) => (entry && isNode(entry.document) ? [entry.document] : []));
  }
  if (isNode(o.document)) return [o.document];
  return isNode(json) ? [json] : [];
}

const childrenOf = (n: Node): Node[] => ('children' in n && Array.isArray(n.children) ? (n.children as unknown[]).filter(isNode) : []);

/** The tree's nodes in document order, going into those `into` accepts. */
function* walk(root: Node, into: (n: Node) => boolean): Generator<Node> {
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    yield n;
    if (!into(n)) continue;
    const kids = childrenOf(n);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
}

function find(root: Node, id: string): Node | undefined {
  for (const n of walk(root, () => true)) if (n.id === id) return n;
  return undefined;
}

/** The first frame at the top of the tree: the node itself, or under the document and its pages. */
function firstFrame(root: Node): Node | undefined {
  for (const n of walk(root, (x) => x.type === 'DOCUMENT' || x.type === 'CANVAS')) if (isFrameLike(n)) return n;
  return undefined;
}

export interface PickedNode {
  node: Node;
  /** Component names by component id, where the file lists its components. */
  components: Map<string, string>;
  /** What the check of the node left out. */
  warnings: string[];
}

/** Parses a Figma JSON file's text, picks the node to convert and checks it (validate.ts). */
export function pickFigmaNode(source: string, name: string, nodeId?: string): PickedNode {
  const json = parseJson(source, name);
  const { node, warnings } = checkFigmaTree(pickNode(json, name, nodeId), name);
  return { node, components: componentNamesOf(json), warnings };
}

function parseJson(source: string, name: string): unknown {
  try {
    return JSON.parse(source);
  } catch (error) {
    throw new LoupeError('INPUT_CORRUPT', `${name} is not valid JSON (${(error as Error).message}). Save the Figma API response or the plugin's export again.`, { cause: error });
  }
}

function pickNode(json: unknown, name: string, nodeId: string | undefined): Node {
  const roots = rootsOf(json);
  if (roots.length === 0) {
    throw new LoupeError(
      'INPUT_UNSUPPORTED',
      `${name} is JSON but not a Figma document: expected a GET /v1/files/:key/nodes response, a file with "document", or a node with "id" and "type".`,
    );
  }
  if (nodeId !== undefined) {
    const wanted = nodeId.replace('-', ':');
    for (const r of roots) {
      const hit = find(r, wanted);
      if (hit) return hit;
    }
    throw new LoupeError('INVALID_ARGUMENT', `${name} has no node ${nodeId}. Copy the id from the Figma link (node-id=1-2 is 1:2), or leave out --node to convert the first frame.`);
  }
  for (const r of roots) {
    const hit = firstFrame(r);
    if (hit) return hit;
  }
  // A response for one non-frame node (a vector, a text) is converted as it is; a page without
  // frames, as the area its layers cover.
  if (roots.length === 1 && roots[0]!.type !== 'DOCUMENT' && roots[0]!.type !== 'CANVAS') return roots[0]!;
  for (const r of roots) {
    const page = r.type === 'CANVAS' ? r : childrenOf(r).find((c) => c.type === 'CANVAS' && childrenOf(c).length > 0);
    if (page) return page;
  }
  throw new LoupeError('INPUT_UNSUPPORTED', `${name} holds no frame, component or instance to convert. Pick one with --node <id>.`);
}
