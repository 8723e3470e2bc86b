// The Design IR: the one contract between every input path (screenshot perception, Figma,
// video) and every output path (code generators, models). Coordinates are CSS px of the
// design viewport; `box` is always absolute (relative to the design's top-left), so a node
// keeps its measured geometry whatever layout its parent is given.
import { z } from 'zod';

export const IR_VERSION = 1;

/** #rrggbb or #rrggbbaa, lower case. */
export const Color = z.string().regex(/^#[0-9a-f]{6}([0-9a-f]{2})?$/, 'colour must be #rrggbb or #rrggbbaa');

export const Box = z.object({
  x: z.number().finite(),
  y: z.number().finite(),
  width: z.number().finite().nonnegative(),
  height: z.number().finite().nonnegative(),
});

export const Sides = z.object({
  top: z.number().finite(),
  right: z.number().finite(),
  bottom: z.number().finite(),
  left: z.number().finite(),
});

/** A point as fractions (0–1) of a box's width and height. */
const Fraction = z.object({ x: z.number().finite(), y: z.number().finite() });

const GradientStop = z.object({ color: Color, position: z.number().min(0).max(1) });

export const Paint = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('solid'),
    color: Color,
    /** The design variable the colour is bound to: a key of Design.variables. */
    variable: z.string().min(1).optional(),
  }),
  z.object({
    type: z.literal('linear-gradient'),
    /** CSS angle in degrees: 180 runs top to bottom. */
    angle: z.number().finite(),
    stops: z.array(GradientStop).min(2),
  }),
  z.object({
    type: z.literal('radial-gradient'),
    stops: z.array(GradientStop).min(2),
    /** Centre as fractions of the box; the box's centre when absent. */
    center: Fraction.optional(),
    /** Horizontal and vertical radii, px; CSS's farthest corner when absent. */
    radius: z.object({ x: z.number().positive(), y: z.number().positive() }).optional(),
  }),
  z.object({
    type: z.literal('conic-gradient'),
    /** CSS angle in degrees where the first stop sits: 0 points up, clockwise. */
    angle: z.number().finite(),
    center: Fraction,
    stops: z.array(GradientStop).min(2),
  }),
  z.object({ type: z.literal('image'), assetId: z.string(), fit: z.enum(['cover', 'contain', 'fill']) }),
]);

export const Border = z.object({
  color: Color,
  /** The design variable the colour is bound to. */
  colorVariable: z.string().min(1).optional(),
  style: z.enum(['solid', 'dashed', 'dotted']),
  /** Per-side widths; a uniform border has four equal sides. */
  width: Sides,
});

export const Shadow = z.object({
  x: z.number().finite(),
  y: z.number().finite(),
  blur: z.number().finite().nonnegative(),
  spread: z.number().finite(),
  color: Color,
  inset: z.boolean(),
});

/** Corner radii: top-left, top-right, bottom-right, bottom-left. */
export const Radius = z.tuple([z.number().nonnegative(), z.number().nonnegative(), z.number().nonnegative(), z.number().nonnegative()]);

export const Style = z.object({
  fills: z.array(Paint),
  border: Border.optional(),
  radius: Radius.optional(),
  shadows: z.array(Shadow),
  opacity: z.number().min(0).max(1),
  /** Blur of the whole element: CSS blur()'s radius, px. */
  blur: z.number().positive().optional(),
  /** Blur of what lies behind the element (frosted glass): CSS blur()'s radius, px. */
  backdropBlur: z.number().positive().optional(),
  /** How the element mixes with what lies behind it (CSS mix-blend-mode); normal when absent. */
  blend: z
    .enum(['multiply', 'screen', 'overlay', 'darken', 'lighten', 'color-dodge', 'color-burn', 'hard-light', 'soft-light', 'difference', 'exclusion', 'hue', 'saturation', 'color', 'luminosity', 'plus-lighter'])
    .optional(),
});

export const Layout = z.object({
  /** none: children are placed absolutely from their boxes; row/column: flexbox; grid: CSS grid. */
  mode: z.enum(['none', 'row', 'column', 'grid']),
  gap: z.number().finite().nonnegative(),
  /** Gap between lines when wrapping, or between grid rows. */
  crossGap: z.number().finite().nonnegative(),
  padding: Sides,
  mainAlign: z.enum(['start', 'center', 'end', 'space-between']),
  crossAlign: z.enum(['start', 'center', 'end', 'stretch', 'baseline']),
  wrap: z.boolean(),
  /** Column count for grid mode. */
  columns: z.number().int().positive().optional(),
});

const SizingMode = z.enum(['fixed', 'hug', 'fill']);
export const Sizing = z.object({ width: SizingMode, height: SizingMode });

/** What a node is to a person reading the page; generators pick tags from it. */
export const Role = z.enum([
  'header', 'nav', 'main', 'footer', 'section', 'article', 'aside',
  'heading', 'paragraph', 'button', 'link', 'input', 'list', 'listitem', 'image', 'icon', 'divider',
]);

const NodeBase = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  role: Role.optional(),
  box: Box,
  sizing: Sizing,
  /** Space around the node inside a flow layout, for spacing a single gap cannot express. */
  margin: Sides.optional(),
  /** An absolutely positioned child of a flow container (placed from its box). */
  absolute: z.boolean().optional(),
  /** Bounds a flow layout keeps the node's size within, px. */
  limits: z
    .object({ minWidth: z.number().nonnegative(), maxWidth: z.number().positive(), minHeight: z.number().nonnegative(), maxHeight: z.number().positive() })
    .partial()
    .optional(),
  /** Stacking order among siblings where it differs from document order: higher is drawn on top. */
  zIndex: z.number().int().optional(),
  /** Clockwise rotation about the box's centre, degrees; `box` is then the unrotated box. */
  rotation: z.number().finite().optional(),
  /**
   * An instance of a design component: the component's name, and the values its instance sets
   * (variant choices and other properties, by property name).
   */
  component: z.object({ name: z.string().min(1), props: z.record(z.string(), z.union([z.string(), z.boolean()])) }).optional(),
  /** Where following the node leads: a link's target. */
  href: z.string().optional(),
  /**
   * The app screen a click on the node opens (a walkthrough's transition), by its name; each
   * stack links screens its own way, so the IR names the screen rather than a URL.
   */
  opens: z.string().regex(/^[a-z0-9-]+$/).optional(),
});

export const TextStyle = z.object({
  fontFamily: z.string().min(1),
  fontClass: z.enum(['sans', 'serif', 'mono']),
  fontSize: z.number().positive(),
  fontWeight: z.number().int().min(100).max(900),
  /** px */
  lineHeight: z.number().positive(),
  /** px; may be negative */
  letterSpacing: z.number().finite(),
  color: Color,
  /** The design variable the colour is bound to. */
  colorVariable: z.string().min(1).optional(),
  align: z.enum(['left', 'center', 'right', 'justify']),
  italic: z.boolean(),
  decoration: z.enum(['none', 'underline', 'line-through']),
  transform: z.enum(['none', 'uppercase', 'lowercase', 'capitalize']),
});

export const TextNode = NodeBase.extend({
  type: z.literal('text'),
  text: z.string(),
  style: TextStyle,
  /**
   * The text cut where its characters' styles differ, in order (their texts join to `text`);
   * each run's style overrides `style`. Absent when every character has `style`.
   */
  runs: z
    .array(z.object({
      text: z.string().min(1),
      style: TextStyle.partial(),
      /** A link inside the text (set apart by its own colour or underline): an inline link in code. */
      link: z.boolean().optional(),
    }))
    .min(2)
    .optional(),
  /** 1–6 where role is heading. */
  level: z.number().int().min(1).max(6).optional(),
});

export const ImageNode = NodeBase.extend({
  type: z.literal('image'),
  assetId: z.string().min(1),
  alt: z.string(),
  fit: z.enum(['cover', 'contain', 'fill']),
  style: Style.optional(),
});

export const VectorNode = NodeBase.extend({
  type: z.literal('vector'),
  /** A complete <svg> element. */
  svg: z.string().startsWith('<svg'),
});

export type TextNode = z.infer<typeof TextNode>;
export type ImageNode = z.infer<typeof ImageNode>;
export type VectorNode = z.infer<typeof VectorNode>;
export type FrameNode = z.infer<typeof NodeBase> & {
  type: 'frame';
  layout: z.infer<typeof Layout>;
  style: z.infer<typeof Style>;
  /** What overflows the frame is cut off (CSS overflow: hidden). */
  clip?: boolean;
  children: DesignNode[];
};
export type DesignNode = FrameNode | TextNode | ImageNode | VectorNode;

export const FrameNode: z.ZodType<FrameNode> = NodeBase.extend({
  type: z.literal('frame'),
  layout: Layout,
  style: Style,
  clip: z.boolean().optional(),
  children: z.lazy(() => z.array(DesignNode)),
});

export const DesignNode: z.ZodType<DesignNode> = z.lazy(() =>
  z.discriminatedUnion('type', [FrameNode as never, TextNode, ImageNode, VectorNode]),
) as z.ZodType<DesignNode>;

export const Asset = z.object({
  mime: z.enum(['image/png', 'image/jpeg', 'image/webp', 'image/svg+xml']),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** base64 of the file */
  data: z.string().min(1),
});

export const Design = z.object({
  version: z.literal(IR_VERSION),
  viewport: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }),
  root: FrameNode,
  assets: z.record(z.string(), Asset),
  /**
   * Design variables (tokens) the design's colours are bound to: CSS custom property names
   * (without the leading --) and their values. Generated code declares them once and refers
   * to them where they are used.
   */
  variables: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'variable names are CSS custom property names in lower case'), Color).optional(),
  source: z.object({ kind: z.enum(['image', 'figma', 'video', 'html']), name: z.string() }).optional(),
});

export type Color = z.infer<typeof Color>;
export type Box = z.infer<typeof Box>;
export type Sides = z.infer<typeof Sides>;
export type Paint = z.infer<typeof Paint>;
export type Border = z.infer<typeof Border>;
export type Shadow = z.infer<typeof Shadow>;
export type Style = z.infer<typeof Style>;
export type Layout = z.infer<typeof Layout>;
export type Sizing = z.infer<typeof Sizing>;
export type Role = z.infer<typeof Role>;
export type TextStyle = z.infer<typeof TextStyle>;
export type Asset = z.infer<typeof Asset>;
export type Design = z.infer<typeof Design>;
