// A test-only exporter: a rendered web page → a GET /v1/files/:key/nodes response, as design
// tools import web pages into Figma (absolutely placed frames, rectangles and text layers, no
// auto layout). With the page's own screenshot it makes a Figma fixture whose true picture is
// known, which is what the Figma benchmark converts. The DOM is read in the page
// (page/dom-walk.ts); here the walked items become Figma nodes typed as the REST API types them.
import { createHash } from 'node:crypto';
import type {
  DropShadowEffect,
  Effect,
  FrameNode,
  GetFileNodesResponse,
  GradientPaint,
  ImagePaint,
  InnerShadowEffect,
  Paint,
  Rectangle,
  RectangleNode,
  RGBA,
  SolidPaint,
  SubcanvasNode,
  TextNode,
  TypeStyle,
} from '@figma/rest-api-spec';
import type { Page } from 'playwright-core';
import { pageScript } from '../../engine/render/page-script.ts';
import type { Rect, Rgba, WalkedBox, WalkedGradient, WalkedItem, WalkedPage, WalkedShadow, WalkedText } from './walked-page.ts';

const DOM_WALK = new URL('./page/dom-walk.ts', import.meta.url);

export interface DomExport {
  response: GetFileNodesResponse;
  /** The image fills' bytes by imageRef, as GET /v1/files/:key/images would serve them. */
  images: Map<string, Buffer>;
  /** The id of the page's frame in `response.nodes`. */
  frameId: string;
}

const rgba = ([r, g, b, a]: Rgba): RGBA => ({ r: r / 255, g: g / 255, b: b / 255, a });
const rectangle = ([x, y, width, height]: Rect): Rectangle => ({ x, y, width, height });

/** What the API sends on every layer, whatever its kind. */
const layerBase = (id: string, name: string, rect: Rect, opacity = 1) => ({
  id,
  name,
  visible: true,
  scrollBehavior: 'SCROLLS' as const,
  blendMode: 'PASS_THROUGH' as const,
  ...(opacity < 1 ? { opacity } : {}),
  absoluteBoundingBox: rectangle(rect),
  absoluteRenderBounds: rectangle(rect),
  constraints: { vertical: 'TOP' as const, horizontal: 'LEFT' as const },
});

const solid = (c: Rgba): SolidPaint => ({ type: 'SOLID', visible: true, blendMode: 'NORMAL', color: rgba([c[0], c[1], c[2], 1]), ...(c[3] < 1 ? { opacity: c[3] } : {}) });

/** A CSS linear gradient as Figma's handles: the ends of CSS's gradient line and a third handle square to it, as fractions of the box. */
function gradient(g: WalkedGradient, width: number, height: number): GradientPaint {
  const rad = (g.angle * Math.PI) / 180;
  const ux = Math.sin(rad), uy = -Math.cos(rad);
  const half = (Math.abs(width * ux) + Math.abs(height * uy)) / 2;
  const start = { x: 0.5 - (half * ux) / width, y: 0.5 - (half * uy) / height };
  const end = { x: 0.5 + (half * ux) / width, y: 0.5 + (half * uy) / height };
  const side = { x: start.x - (half * uy) / width, y: start.y + (half * ux) / height };
  return {
    type: 'GRADIENT_LINEAR',
    visible: true,
    blendMode: 'NORMAL',
    gradientHandlePositions: [start, end, side],
    gradientStops: g.stops.map((s) => ({ color: rgba(s.color), position: s.position })),
  };
}

function shadow(s: WalkedShadow): Effect {
  const base = { visible: true, blendMode: 'NORMAL' as const, color: rgba(s.color), offset: { x: s.x, y: s.y }, radius: s.blur, spread: s.spread };
  return s.inset ? ({ type: 'INNER_SHADOW', ...base } satisfies InnerShadowEffect) : ({ type: 'DROP_SHADOW', showShadowBehindNode: false, ...base } satisfies DropShadowEffect);
}

const TEXT_CASE = { none: 'ORIGINAL', uppercase: 'UPPER', lowercase: 'LOWER', capitalize: 'TITLE' } as const;

class NodeBuilder {
  readonly images = new Map<string, Buffer>();
  private serial = 1;
  private readonly nextId = () => `${this.idPrefix}:${++this.serial}`;

  constructor(private readonly idPrefix: number) {}

  item(it: WalkedItem): SubcanvasNode {
    return it.kind === 'text' ? this.text(it) : this.box(it);
  }

  private imageRef(src: string): string | undefined {
    const m = /^data:[^;,]*(;base64)?,(.*)$/s.exec(src);
    if (!m) return undefined;
    const bytes = m[1] ? Buffer.from(m[2]!, 'base64') : Buffer.from(decodeURIComponent(m[2]!));
    const ref = createHash('sha1').update(bytes).digest('hex');
    this.images.set(ref, bytes);
    return ref;
  }

  private fills(b: WalkedBox): Paint[] {
    const [, , width, height] = b.rect;
    const images = b.images.flatMap((img): ImagePaint[] => {
      const imageRef = this.imageRef(img.src);
      return imageRef ? [{ type: 'IMAGE', visible: true, blendMode: 'NORMAL', scaleMode: img.scaleMode, imageRef }] : [];
    });
    return [...(b.background ? [solid(b.background)] : []), ...b.gradients.map((g) => gradient(g, width || 1, height || 1)), ...images];
  }

  /** A box with content is a frame; an empty one (a rule, a picture) a rectangle. */
  private box(b: WalkedBox): FrameNode | RectangleNode {
    const [tl, tr, br, bl] = b.radii;
    const same = tl === tr && tr === br && br === bl;
    const w = b.border?.widths;
    const shape = {
      ...layerBase(this.nextId(), b.name, b.rect, b.opacity),
      fills: this.fills(b),
      strokes: b.border ? [solid(b.border.color)] : [],
      strokeWeight: w ? Math.max(...w) : 0,
      strokeAlign: 'INSIDE' as const,
      ...(w && !w.every((x) => x === w[0]) ? { individualStrokeWeights: { top: w[0], right: w[1], bottom: w[2], left: w[3] } } : {}),
      ...(b.border?.dashed ? { strokeDashes: [w![0] * 3, w![0] * 3] } : {}),
      effects: b.shadows.map(shadow),
      ...(same ? (tl > 0 ? { cornerRadius: tl } : {}) : { cornerRadius: 0, rectangleCornerRadii: [tl, tr, br, bl] }),
    };
    if (b.children.length === 0) return { ...shape, type: 'RECTANGLE' };
    return { ...shape, type: 'FRAME', clipsContent: b.clips, children: b.children.map((c) => this.item(c)) };
  }

  private text(t: WalkedText): TextNode {
    const style: TypeStyle = {
      fontFamily: t.fontFamily,
      fontPostScriptName: null,
      fontWeight: t.fontWeight,
      fontSize: t.fontSize,
      italic: t.italic,
      textAlignHorizontal: t.align,
      textAlignVertical: 'TOP',
      letterSpacing: t.letterSpacing,
      lineHeightPx: t.lineHeight,
      lineHeightPercentFontSize: (t.lineHeight / t.fontSize) * 100,
      lineHeightUnit: 'PIXELS',
      textCase: TEXT_CASE[t.transform],
      textDecoration: t.decoration,
      // A wrapped paragraph keeps its width; a line sizes to its words.
      textAutoResize: t.lines > 1 ? 'HEIGHT' : 'WIDTH_AND_HEIGHT',
    };
    return {
      ...layerBase(this.nextId(), t.name, t.rect),
      type: 'TEXT',
      fills: [solid(t.color)],
      strokes: [],
      strokeWeight: 0,
      strokeAlign: 'OUTSIDE',
      effects: [],
      characters: t.text,
      style,
      characterStyleOverrides: [],
      styleOverrideTable: {},
      lineTypes: ['NONE'],
      lineIndentations: [0],
    };
  }
}

/**
 * Walks the loaded page's DOM and returns it as a Figma nodes response with the page as one frame.
 * `idPrefix`: the first number of its node ids (`1:…`), so that pages exported apart can be frames of one file.
 */
export async function exportPageToFigma(page: Page, name: string, idPrefix = 1): Promise<DomExport> {
  const walked = await page.evaluate<WalkedPage>(await pageScript(DOM_WALK));
  const builder = new NodeBuilder(idPrefix);
  const frameId = `${idPrefix}:1`;
  const frame: FrameNode = {
    ...layerBase(frameId, name, [0, 0, walked.width, walked.height]),
    type: 'FRAME',
    clipsContent: true,
    fills: [solid(walked.background)],
    strokes: [],
    strokeWeight: 0,
    strokeAlign: 'INSIDE',
    effects: [],
    children: walked.children.map((c) => builder.item(c)),
  };
  const response: GetFileNodesResponse = {
    name,
    role: 'owner',
    lastModified: new Date(0).toISOString(),
    editorType: 'figma',
    thumbnailUrl: '',
    version: '1',
    nodes: { [frameId]: { document: frame, components: {}, componentSets: {}, styles: {}, schemaVersion: 0 } },
  };
  return { response, images: builder.images, frameId };
}
