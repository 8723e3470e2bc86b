// A Figma node tree → Design IR. Coordinates become CSS px from the converted frame's top-left;
// auto-layout frames keep their exact flow layout (auto-layout.ts), other frames are laid out
// by inference (infer-frames.ts); paints, strokes and effects are converted in paint.ts and
// stroke.ts, text in text.ts, vector outlines in vector.ts, variables in variables.ts. Instances
// and variants keep their component's name and the props they set, for generators to make
// components of.
import type { BlendMode, Node, Rectangle, TextNode as FigmaText } from '@figma/rest-api-spec';
import { IR_VERSION, type Asset, type Box, type Design, type DesignNode, type FrameNode, type Sizing, type Style } from '../ir/schema.ts';
import { flowLayout } from '../ir/build.ts';
import { parseDesign } from '../ir/validate.ts';
import { childSizing, hasAutoLayout, limitsOf, ownSizing, placeChildren, toLayout, type AutoLayoutFrame } from './auto-layout.ts';
import { LoupeError } from '../errors.ts';
import { IMAGE_LIMITS } from '../ingest/image.ts';
import { isFrameLike, pickFigmaNode } from './document.ts';
import { inferFrameLayout } from './infer-frames.ts';
import { IMAGE_PLACEHOLDER, toBlend, toEffects, toPaints, type PaintContext } from './paint.ts';
import { toStroke, type StrokeSource } from './stroke.ts';
import { textRuns, textSizing, textStyleOf } from './text.ts';
import { VariableBinder, type VariableNames } from './variables.ts';
import { vectorSvg, type VectorSource } from './vector.ts';

export interface FigmaImportOptions {
  /** The file's name, for messages and the design's source. */
  name: string;
  /** The node to convert; the first top-level frame when absent. */
  nodeId?: string;
  /** Image fills' bytes by imageRef. */
  images?: Record<string, Asset>;
  /** Colour variables' names by id (parseVariables), so bound colours stay variables. */
  variables?: VariableNames;
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
  blendMode?: BlendMode;
  componentId?: string;
  componentProperties?: Record<string, { type: string; value: string | boolean }>;
};

const SHAPES = new Set(['RECTANGLE', 'ELLIPSE', 'VECTOR', 'STAR', 'LINE', 'REGULAR_POLYGON', 'BOOLEAN_OPERATION']);

class Converter {
  private readonly warnings: string[] = [];
  private readonly assets: Record<string, Asset> = {};
  private readonly paints: PaintContext;
  private readonly variables: VariableBinder;
  /** The layers each frame laid out by inference was given, to lay it out again with more. */
  private readonly inferredFrom = new WeakMap<FrameNode, DesignNode[]>();
  private nextId = 0;
  readonly newId = () => `figma-${++this.nextId}`;

  constructor(
    private readonly origin: { x: number; y: number },
    images: Record<string, Asset>,
    variables: VariableNames | undefined,
    private readonly components: ReadonlyMap<string, string>,
    checked: readonly string[],
  ) {
    this.warnings.push(...checked);
    this.variables = new VariableBinder(variables);
    this.paints = { images, assets: this.assets, variables: this.variables, warn: (m) => this.warnings.push(m) };
  }

  result() {
    const unnamed = this.variables.warning();
    return { warnings: unnamed ? [...this.warnings, unnamed] : this.warnings, assets: this.assets, variables: this.variables.declared };
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
    const stroke = toStroke(n, bordersFit, this.variables);
    const effects = toEffects(n.effects);
    const style: Style = { fills, shadows: [...stroke.shadows, ...effects.shadows], opacity: n.opacity ?? 1 };
    if (stroke.border) style.border = stroke.border;
    const radius = radiusOf(n, box);
    if (radius) style.radius = radius;
    if (effects.blur) style.blur = effects.blur;
    if (effects.backdropBlur) style.backdropBlur = effects.backdropBlur;
    const blend = toBlend(n.blendMode, n.name, this.paints);
    if (blend) style.blend = blend;
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
    const component = this.componentOf(n, parent);
    if (component) Object.assign(base, { component });
    if (n.type === 'TEXT') return this.text(n as FigmaText & AnyNode, base);
    if (isFrameLike(n) || n.type === 'GROUP') return this.frame(n, base);
    if (SHAPES.has(n.type)) return this.shape(n, base);
    return undefined;
  }

  /**
   * The component an instance draws, with the props it sets; a variant of a component set
   * (converted with its set) is the set's component with the props its name sets.
   */
  private componentOf(n: AnyNode, parent: AnyNode | undefined): DesignNode['component'] {
    if (n.type === 'INSTANCE') {
      const props = Object.fromEntries(
        Object.entries(n.componentProperties ?? {}).flatMap(([key, p]) => (p.type === 'INSTANCE_SWAP' ? [] : [[propName(key), p.value]])),
      );
      return { name: (n.componentId && this.components.get(n.componentId)) || n.name, props };
    }
    if (n.type === 'COMPONENT') {
      if (parent?.type !== 'COMPONENT_SET') return { name: n.name, props: {} };
      const props = Object.fromEntries(n.name.split(',').flatMap((pair) => {
        const [k, v] = pair.split('=').map((s) => s.trim());
        return k && v !== undefined ? [[k, v]] : [];
      }));
      return { name: parent.name, props };
    }
    return undefined;
  }

  private ownSizing(n: AnyNode): Sizing {
    if (n.type === 'TEXT') return textSizing(n as FigmaText);
    if (hasAutoLayout(n)) return ownSizing(n as AutoLayoutFrame);
    return { width: 'fixed', height: 'fixed' };
  }

  private text(n: FigmaText & AnyNode, base: Omit<DesignNode, 'type'>): DesignNode {
    const style = textStyleOf(n, this.variables);
    const runs = textRuns(n, style, this.variables);
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
      const items = kids.flatMap((c) => this.flattened(c, n));
      if (n.clipsContent) for (const it of items) cropShape(it, base.box);
      this.inferredFrom.set(f, items);
      if (items.length) inferFrameLayout(f, items, this.newId, this.adopt);
    }
    if (n.clipsContent && f.children.some((c) => !inside(c.box, f.box))) f.clip = true;
    return f;
  }

  /**
   * Layers lying over a frame are laid out in it: with the frame's own layers where the frame
   * was laid out by inference, as overlays where Figma laid it out (auto layout).
   */
  private readonly adopt = (host: FrameNode, guests: DesignNode[]): void => {
    const own = this.inferredFrom.get(host);
    if (!own) {
      for (const g of guests) g.absolute = true;
      host.children.push(...guests);
      return;
    }
    const items = [...own, ...guests];
    // What the frame was taken for (a field, a button) was read without its new layers.
    delete host.role;
    for (const it of items) {
      delete it.absolute;
      delete it.margin;
    }
    this.inferredFrom.set(host, items);
    inferFrameLayout(host, items, this.newId, this.adopt);
  };

  /** A group only gathers layers: in a frame laid out by inference its layers take part themselves. */
  private flattened(n: AnyNode, parent: AnyNode): DesignNode[] {
    if (n.type === 'GROUP' && n.visible !== false && (n.opacity ?? 1) === 1 && !n.effects?.some((e) => e.visible !== false) && !toBlend(n.blendMode, n.name, this.paints)) {
      return ((n.children ?? []) as AnyNode[]).flatMap((c) => this.flattened(c, parent));
    }
    return [this.node(n, parent)].flatMap((x) => x ?? []);
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

/** Figma names a property `Label#12:0`: the part before `#` is what the designer called it. */
const propName = (key: string) => key.replace(/#[^#]*$/, '');

const inside = (a: Box, b: Box) => a.x >= b.x - 0.5 && a.y >= b.y - 0.5 && a.x + a.width <= b.x + b.width + 0.5 && a.y + a.height <= b.y + b.height + 0.5;

/**
 * A picture or box overflowing a clipping frame is cut to the part that shows, so layout
 * inference sees the box a person sees; what is not cut (text, frames with content) is clipped
 * by the frame in CSS.
 */
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
  const fills = n.backgroundColor ? [{ type: 'SOLID', color: n.backgroundColor, blendMode: 'NORMAL' }] : [];
  return { ...n, type: 'FRAME', absoluteBoundingBox, fills } as unknown as AnyNode;
}

/** Converts the text of a Figma JSON file (REST response, file or node) into a Design. */
export function figmaToDesign(source: string, options: FigmaImportOptions): FigmaImport {
  const { node, components, warnings: checked } = pickFigmaNode(source, options.name, options.nodeId);
  const picked = asFrame(node as AnyNode);
  const bounds = picked.absoluteBoundingBox ?? { x: 0, y: 0, width: 1, height: 1 };
  // The frame is rendered and scored as a design image is: the same limits, said before any work.
  const { maxWidth, maxHeight, maxPixels } = IMAGE_LIMITS;
  if (bounds.width > maxWidth || bounds.height > maxHeight || bounds.width * bounds.height > maxPixels) {
    throw new LoupeError(
      'INPUT_TOO_LARGE',
      `${options.name}: "${picked.name}" is ${Math.round(bounds.width)}×${Math.round(bounds.height)} px; Loupe converts frames up to ${maxWidth} px wide, ${maxHeight} px tall and ${maxPixels / 1e6} megapixels. Pick a smaller frame with --node.`,
    );
  }
  const converter = new Converter(bounds, options.images ?? {}, options.variables, components, checked);
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
  const { warnings, assets, variables } = converter.result();
  const design = parseDesign({
    version: IR_VERSION,
    viewport: { width: Math.max(1, Math.round(bounds.width)), height: Math.max(1, Math.round(bounds.height)) },
    root,
    assets,
    ...(Object.keys(variables).length ? { variables } : {}),
    source: { kind: 'figma', name: options.name },
  });
  return { design, warnings };
}
