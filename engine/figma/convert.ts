// A Figma node tree → Design IR. Coordinates become CSS px from the converted frame's top-left;
// auto-layout frames keep their exact flow layout (auto-layout.ts), other frames are laid out
// by inference (infer-frames.ts); paints, strokes and effects are converted in paint.ts and
// stroke.ts, text in text.ts, vector outlines in vector.ts.
import type { Node, Rectangle, TextNode as FigmaText } from '@figma/rest-api-spec';
import { IR_VERSION, type Asset, type Box, type Design, type DesignNode, type FrameNode, type Sizing, type Style } from '../ir/schema.ts';
import { flowLayout } from '../ir/build.ts';
import { parseDesign } from '../ir/validate.ts';
import { childSizing, hasAutoLayout, limitsOf, ownSizing, placeChildren, toLayout, type AutoLayoutFrame } from './auto-layout.ts';
import { isFrameLike, pickFigmaNode } from './document.ts';
import { inferFrameLayout } from './infer-frames.ts';
import { IMAGE_PLACEHOLDER, toEffects, toPaints, type PaintContext } from './paint.ts';
import { toStroke, type StrokeSource } from './stroke.ts';
import { textRuns, textSizing, textStyleOf } from './text.ts';
import { vectorSvg, type VectorSource } from './vector.ts';

export interface FigmaImportOptions {
  /** The file's name, for messages and the design's source. */
  name: string;
  /** The node to convert; the first top-level frame when absent. */
  nodeId?: string;
  /** Image fills' bytes by imageRef. */
  images?: Record<string, Asset>;
}

export interface FigmaImport {
  design: Design;
  /** What could not be converted as it is in Figma, for the user to read. */
  warnings: string[];
}

/** Loose view of a node: the traits each kind may carry, read where present. */
type AnyNode = Node & Partial<AutoLayoutFrame> & StrokeSource & VectorSource & {
  children?: Node[];
  absoluteBoundingBox?: Rectangle | null;
  relativeTransform?: number[][];
  size?: { x: number; y: number };
  opacity?: number;
  effects?: Parameters<typeof toEffects>[0];
  cornerRadius?: number;
  rectangleCornerRadii?: number[];
  strokesIncludedInLayout?: boolean;
  clipsContent?: boolean;
};

const SHAPES = new Set(['RECTANGLE', 'ELLIPSE', 'VECTOR', 'STAR', 'LINE', 'REGULAR_POLYGON', 'BOOLEAN_OPERATION']);

class Converter {
  private readonly warnings: string[] = [];
  private readonly assets: Record<string, Asset> = {};
  private readonly paints: PaintContext;
  private nextId = 0;
  readonly newId = () => `figma-${++this.nextId}`;

  constructor(
    private readonly origin: { x: number; y: number },
    images: Record<string, Asset>,
  ) {
    this.paints = { images, assets: this.assets, warn: (m) => this.warnings.push(m) };
  }

  result() {
    return { warnings: this.warnings, assets: this.assets };
  }

  /** The node's box from the frame's top-left; a rotated node's unrotated box and its angle. */
  private place(n: AnyNode): { box: Box; rotation?: number } {
    const b = n.absoluteBoundingBox ?? { x: this.origin.x, y: this.origin.y, width: 0, height: 0 };
    const box = { x: b.x - this.origin.x, y: b.y - this.origin.y, width: b.width, height: b.height };
    const m = n.relativeTransform;
    if (!m || !n.size) return { box };
    const rotation = (Math.atan2(m[1]![0]!, m[0]![0]!) * 180) / Math.PI;
    if (Math.abs(rotation) < 0.01) return { box };
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    return { box: { x: cx - n.size.x / 2, y: cy - n.size.y / 2, width: n.size.x, height: n.size.y }, rotation: Math.round(rotation * 100) / 100 };
  }

  private style(n: AnyNode, box: Box, bordersFit: boolean, fills = toPaints(n.fills, box, this.paints, n.name)): Style {
    const stroke = toStroke(n, bordersFit);
    const effects = toEffects(n.effects);
    const style: Style = { fills, shadows: [...stroke.shadows, ...effects.shadows], opacity: n.opacity ?? 1 };
    if (stroke.border) style.border = stroke.border;
    const radius = radiusOf(n, box);
    if (radius) style.radius = radius;
    if (effects.blur) style.blur = effects.blur;
    return style;
  }

  /** The node as IR, or nothing for hidden nodes and kinds with nothing to draw. */
  node(n: AnyNode, parent?: AnyNode): DesignNode | undefined {
    if (n.visible === false) return undefined;
    const { box, rotation } = this.place(n);
    const inFlow = parent !== undefined && hasAutoLayout(parent) && n.layoutPositioning !== 'ABSOLUTE';
    const own = this.ownSizing(n);
    const base = {
      id: n.id,
      name: n.name,
      box,
      sizing: inFlow ? childSizing(n, parent as AutoLayoutFrame, own) : own,
      ...(parent && hasAutoLayout(parent) && n.layoutPositioning === 'ABSOLUTE' ? { absolute: true } : {}),
      ...(rotation !== undefined ? { rotation } : {}),
    };
    const limits = limitsOf(n);
    if (limits) Object.assign(base, { limits });
    if (n.type === 'TEXT') return this.text(n as FigmaText & AnyNode, base);
    if (isFrameLike(n) || n.type === 'GROUP') return this.frame(n, base);
    if (SHAPES.has(n.type)) return this.shape(n, base);
    return undefined;
  }

  private ownSizing(n: AnyNode): Sizing {
    if (n.type === 'TEXT') return textSizing(n as FigmaText);
    if (hasAutoLayout(n)) return ownSizing(n as AutoLayoutFrame);
    return { width: 'fixed', height: 'fixed' };
  }

  private text(n: FigmaText & AnyNode, base: Omit<DesignNode, 'type'>): DesignNode {
    const style = textStyleOf(n);
    const runs = textRuns(n, style);
    const href = n.style.hyperlink?.type === 'URL' ? n.style.hyperlink.url : undefined;
    return { ...base, type: 'text', text: n.characters, style, ...(runs ? { runs } : {}), ...(href ? { href } : {}) };
  }

  private frame(n: AnyNode, base: Omit<DesignNode, 'type'>): FrameNode {
    const auto = hasAutoLayout(n);
    const kids = ((n.children ?? []) as AnyNode[]).filter((c) => !n.clipsContent || overlaps(c.absoluteBoundingBox, n.absoluteBoundingBox));
    const bordersFit = kids.length === 0 || (auto && n.strokesIncludedInLayout === true);
    const f: FrameNode = { ...base, type: 'frame', layout: flowLayout('none'), style: this.style(n, base.box, bordersFit), children: [] };
    if (auto) {
      f.layout = toLayout(n as AutoLayoutFrame);
      f.children = kids.flatMap((c) => this.node(c, n) ?? []);
      placeChildren(n as AutoLayoutFrame, f.children);
    } else {
      const items = kids.flatMap((c) => this.flattened(c));
      if (n.clipsContent) for (const it of items) cropShape(it, base.box);
      if (items.length) inferFrameLayout(f, items, this.newId);
    }
    return f;
  }

  /** A group only gathers layers: in a frame laid out by inference its layers take part themselves. */
  private flattened(n: AnyNode): DesignNode[] {
    if (n.type === 'GROUP' && n.visible !== false && (n.opacity ?? 1) === 1 && !n.effects?.some((e) => e.visible !== false)) {
      return ((n.children ?? []) as AnyNode[]).flatMap((c) => this.flattened(c));
    }
    return [this.node(n)].flatMap((x) => x ?? []);
  }

  private shape(n: AnyNode, base: Omit<DesignNode, 'type'>): DesignNode {
    const svg = vectorSvg(n, base.box.width, base.box.height);
    if (svg) return { ...base, type: 'vector', svg };
    const fills = toPaints(n.fills, base.box, this.paints, n.name);
    const only = fills.length === 1 ? fills[0]! : undefined;
    if (only?.type === 'image') return { ...base, type: 'image', assetId: only.assetId, alt: n.name, fit: only.fit, style: this.style(n, base.box, true, []) };
    if (n.type === 'LINE') return this.line(n, base);
    if (n.type !== 'RECTANGLE' && n.type !== 'ELLIPSE' && only !== IMAGE_PLACEHOLDER) {
      this.warnings.push(`"${n.name}" (${n.type.toLowerCase()}) has no outline in the JSON: drawn as a box with its fill. Fetch the file with geometry=paths for exact shapes.`);
    }
    return { ...base, type: 'frame', layout: flowLayout('none'), style: this.style(n, base.box, true, fills), children: [] };
  }

  /** A line without outlines: a bar as thick as its stroke, in the stroke's colour. */
  private line(n: AnyNode, base: Omit<DesignNode, 'type'>): FrameNode {
    const weight = n.strokeWeight ?? 1;
    const box = base.box.height < weight ? { ...base.box, y: base.box.y - weight / 2, height: weight } : base.box;
    const style = this.style({ ...n, fills: n.strokes ?? [], strokes: [] }, box, true);
    return { ...base, box, type: 'frame', layout: flowLayout('none'), style, children: [] };
  }
}

/** Whether a layer shows inside a clipping frame at all; one wholly outside is never seen. */
function overlaps(a: Rectangle | null | undefined, b: Rectangle | null | undefined): boolean {
  if (!a || !b) return true;
  return a.x < b.x + b.width && a.x + a.width > b.x && a.y < b.y + b.height && a.y + a.height > b.y;
}

/** The IR does not clip, so a picture or box overflowing a clipping frame is cut to the part that shows. */
function cropShape(n: DesignNode, clip: Box): void {
  if (n.type === 'text' || n.rotation || (n.type === 'frame' && n.children.length > 0)) return;
  const x = Math.max(n.box.x, clip.x), y = Math.max(n.box.y, clip.y);
  const right = Math.min(n.box.x + n.box.width, clip.x + clip.width), bottom = Math.min(n.box.y + n.box.height, clip.y + clip.height);
  if (right > x && bottom > y) n.box = { x, y, width: right - x, height: bottom - y };
}

function radiusOf(n: AnyNode, box: Box): Style['radius'] {
  if (n.type === 'ELLIPSE') {
    const r = Math.min(box.width, box.height) / 2;
    return [r, r, r, r];
  }
  const r = n.rectangleCornerRadii;
  if (r?.length === 4) return [r[0]!, r[1]!, r[2]!, r[3]!];
  return n.cornerRadius ? [n.cornerRadius, n.cornerRadius, n.cornerRadius, n.cornerRadius] : undefined;
}

/** A page is converted as a frame over the area its visible layers cover, in its background colour. */
function asFrame(n: AnyNode): AnyNode {
  if (n.type !== 'CANVAS') return n;
  const boxes = ((n.children ?? []) as AnyNode[]).filter((c) => c.visible !== false && c.absoluteBoundingBox).map((c) => c.absoluteBoundingBox!);
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  const absoluteBoundingBox = { x, y, width: Math.max(...boxes.map((b) => b.x + b.width)) - x, height: Math.max(...boxes.map((b) => b.y + b.height)) - y };
  return { ...n, type: 'FRAME', absoluteBoundingBox, fills: [{ type: 'SOLID', color: n.backgroundColor, blendMode: 'NORMAL' }] } as unknown as AnyNode;
}

/** Converts the text of a Figma JSON file (REST response, file or node) into a Design. */
export function figmaToDesign(source: string, options: FigmaImportOptions): FigmaImport {
  const picked = asFrame(pickFigmaNode(source, options.name, options.nodeId) as AnyNode);
  const bounds = picked.absoluteBoundingBox ?? { x: 0, y: 0, width: 1, height: 1 };
  const converter = new Converter(bounds, options.images ?? {});
  const converted = converter.node(picked);
  const box = { x: 0, y: 0, width: bounds.width, height: bounds.height };
  const root: FrameNode =
    converted?.type === 'frame' && !converted.rotation
      ? converted
      : { type: 'frame', id: converter.newId(), name: picked.name, box, sizing: { width: 'fixed', height: 'fixed' }, layout: flowLayout('none'), style: { fills: [], shadows: [], opacity: 1 }, children: converted ? [converted] : [] };
  // The frame is the page: it keeps its size whatever Figma's own sizing says.
  root.sizing = { width: 'fixed', height: 'fixed' };
  delete root.absolute;
  delete root.margin;
  const { warnings, assets } = converter.result();
  const design = parseDesign({
    version: IR_VERSION,
    viewport: { width: Math.max(1, Math.round(bounds.width)), height: Math.max(1, Math.round(bounds.height)) },
    root,
    assets,
    source: { kind: 'figma', name: options.name },
  });
  return { design, warnings };
}
