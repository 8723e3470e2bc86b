// Figma paints, effects and blend modes → the IR's paints, shadows, blurs and blend. Gradients are placed from
// their handles (positions as fractions of the node's box), so a gradient at an angle keeps
// where its stops fall.
import type { BlendMode, ColorStop, Effect, GradientPaint, Paint as FigmaPaint, RGBA, Vector } from '@figma/rest-api-spec';
import type { Asset, Box, Color, Paint, Shadow, Style } from '../ir/schema.ts';
import type { VariableBinder } from './variables.ts';

const hex2 = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255).toString(16).padStart(2, '0');

/** #rrggbb, or #rrggbbaa when not opaque; `opacity` multiplies the colour's alpha. */
export function toColor(c: RGBA, opacity = 1): Color {
  const a = (c.a ?? 1) * opacity;
  return `#${hex2(c.r)}${hex2(c.g)}${hex2(c.b)}${a < 0.998 ? hex2(a) : ''}`;
}

export const visiblePaints = <P extends { visible?: boolean }>(paints: readonly P[] | undefined): P[] => (paints ?? []).filter((p) => p.visible !== false);

/** What the converter reports without stopping: a picture it has no bytes for. */
export interface Warnings {
  warn(message: string): void;
}

export interface PaintContext extends Warnings {
  /** Image fills' bytes by imageRef, where the caller has them. */
  images: Record<string, Asset>;
  /** The design's assets, filled as image paints are used. */
  assets: Record<string, Asset>;
  variables: VariableBinder;
}

/** Shown where an image fill's bytes are missing: a neutral grey a reader takes for a placeholder. */
export const IMAGE_PLACEHOLDER: Paint = { type: 'solid', color: '#d9d9d9' };

const stops = (s: readonly ColorStop[], opacity: number, at: (p: number) => number) =>
  s.map((x) => ({ color: toColor(x.color, opacity), position: Math.min(1, Math.max(0, at(x.position))) }));

/** Degrees CSS measures a direction (dx, dy) by: 0 up, clockwise. */
const cssAngle = (dx: number, dy: number) => Math.round(((Math.atan2(dx, -dy) * 180) / Math.PI + 360) % 360 * 100) / 100;

function linear(p: GradientPaint, box: Box): Paint {
  const [a, b] = p.gradientHandlePositions as [Vector, Vector];
  const dx = (b.x - a.x) * box.width;
  const dy = (b.y - a.y) * box.height;
  const angle = cssAngle(dx, dy);
  // CSS's gradient line runs through the centre and is as long as the box's projection on
  // it; the handles' stops are mapped onto that line.
  const rad = (angle * Math.PI) / 180;
  const ux = Math.sin(rad), uy = -Math.cos(rad);
  const length = Math.abs(box.width * ux) + Math.abs(box.height * uy) || 1;
  const along = (v: Vector) => ((v.x - 0.5) * box.width * ux + (v.y - 0.5) * box.height * uy) / length + 0.5;
  const [t0, t1] = [along(a), along(b)];
  return { type: 'linear-gradient', angle, stops: stops(p.gradientStops, p.opacity ?? 1, (x) => t0 + x * (t1 - t0)) };
}

function radial(p: GradientPaint, box: Box): Paint {
  const [c, e1, e2] = p.gradientHandlePositions as [Vector, Vector, Vector];
  const r = (e: Vector) => Math.max(0.01, Math.hypot((e.x - c.x) * box.width, (e.y - c.y) * box.height));
  return { type: 'radial-gradient', center: { x: c.x, y: c.y }, radius: { x: r(e1), y: r(e2) }, stops: stops(p.gradientStops, p.opacity ?? 1, (x) => x) };
}

function conic(p: GradientPaint, box: Box): Paint {
  const [c, e] = p.gradientHandlePositions as [Vector, Vector];
  const angle = cssAngle((e.x - c.x) * box.width, (e.y - c.y) * box.height);
  return { type: 'conic-gradient', angle, center: { x: c.x, y: c.y }, stops: stops(p.gradientStops, p.opacity ?? 1, (x) => x) };
}

const FIT = { FILL: 'cover', FIT: 'contain', STRETCH: 'fill', TILE: 'cover' } as const;

/** One Figma paint as an IR paint, or undefined where CSS has nothing for it (patterns). */
export function toPaint(p: FigmaPaint, box: Box, ctx: PaintContext, nodeName: string): Paint | undefined {
  switch (p.type) {
    case 'SOLID': {
      const color = toColor(p.color, p.opacity ?? 1);
      const variable = ctx.variables.bind(p.boundVariables?.color, color, toColor(p.color));
      return variable ? { type: 'solid', color, variable } : { type: 'solid', color };
    }
    case 'GRADIENT_LINEAR':
      return linear(p, box);
    case 'GRADIENT_RADIAL':
    case 'GRADIENT_DIAMOND':
      return radial(p, box);
    case 'GRADIENT_ANGULAR':
      return conic(p, box);
    case 'IMAGE': {
      const asset = ctx.images[p.imageRef];
      if (!asset) {
        ctx.warn(`"${nodeName}" has an image fill (${p.imageRef}) whose bytes are not at hand: a grey placeholder stands in. Pass --images <dir> with the file's images (GET /v1/files/:key/images).`);
        return IMAGE_PLACEHOLDER;
      }
      ctx.assets[p.imageRef] = asset;
      return { type: 'image', assetId: p.imageRef, fit: FIT[p.scaleMode] };
    }
    default:
      return undefined;
  }
}

/** Figma lists fills bottom to top, as the IR does. */
export const toPaints = (paints: readonly FigmaPaint[] | undefined, box: Box, ctx: PaintContext, nodeName: string): Paint[] =>
  visiblePaints(paints).flatMap((p) => toPaint(p, box, ctx, nodeName) ?? []);

const BLEND: Partial<Record<BlendMode, NonNullable<Style['blend']>>> = {
  MULTIPLY: 'multiply', SCREEN: 'screen', OVERLAY: 'overlay', DARKEN: 'darken', LIGHTEN: 'lighten',
  COLOR_DODGE: 'color-dodge', COLOR_BURN: 'color-burn', HARD_LIGHT: 'hard-light', SOFT_LIGHT: 'soft-light',
  DIFFERENCE: 'difference', EXCLUSION: 'exclusion', HUE: 'hue', SATURATION: 'saturation', COLOR: 'color',
  LUMINOSITY: 'luminosity', LINEAR_DODGE: 'plus-lighter',
};

/** A layer's blend mode as CSS's mix-blend-mode; undefined for normal (and pass-through, a group's normal). */
export function toBlend(mode: BlendMode | undefined, nodeName: string, warnings: Warnings): Style['blend'] {
  if (!mode || mode === 'NORMAL' || mode === 'PASS_THROUGH') return undefined;
  const css = BLEND[mode];
  if (!css) warnings.warn(`"${nodeName}" uses the ${mode.toLowerCase().replace('_', ' ')} blend mode, which CSS has no equivalent for: it is drawn normally.`);
  return css;
}

/** Drop and inner shadows, top first as CSS lists them; the layer and background blurs as CSS's blur radius. */
export function toEffects(effects: readonly Effect[] | undefined): { shadows: Shadow[]; blur?: number; backdropBlur?: number } {
  const shadows: Shadow[] = [];
  let blur: number | undefined;
  let backdropBlur: number | undefined;
  for (const e of (effects ?? []).filter((x) => x.visible !== false)) {
    if ((e.type === 'DROP_SHADOW' || e.type === 'INNER_SHADOW') && 'offset' in e) {
      shadows.unshift({ x: e.offset.x, y: e.offset.y, blur: e.radius, spread: e.spread ?? 0, color: toColor(e.color), inset: e.type === 'INNER_SHADOW' });
    } else if (e.type === 'LAYER_BLUR' && 'radius' in e && e.radius > 0) {
      // Figma's blur radius spreads about twice as far as CSS's.
      blur = e.radius / 2;
    } else if (e.type === 'BACKGROUND_BLUR' && 'radius' in e && e.radius > 0) {
      backdropBlur = e.radius / 2;
    }
  }
  return { shadows, ...(blur === undefined ? {} : { blur }), ...(backdropBlur === undefined ? {} : { backdropBlur }) };
}
