// What the converter reads of a Figma node, as schemas: the fields of @figma/rest-api-spec's
// node, paint, effect and text-style types that Loupe uses, with the ranges it accepts. The
// tables are keyed by the spec's own field names (the compiler checks them against the spec),
// and enumerations list the spec's values. A field that fails its schema is left out of the
// node (validate.ts says so in a warning); what a node cannot be drawn without is in validate.ts.
import type {
  BaseBlurEffect,
  BasePaint,
  BaseShadowEffect,
  BlendMode,
  CanvasNode,
  ColorStop,
  FrameNode,
  GradientPaint,
  Hyperlink,
  ImagePaint,
  HasFramePropertiesTrait,
  HasLayoutTrait,
  InstanceNode,
  MinimalStrokesTrait,
  Path,
  Rectangle,
  RGBA,
  SolidPaint,
  TextNode,
  TypeStyle,
  Vector as SpecVector,
} from '@figma/rest-api-spec';
import { z } from 'zod';

/** The limits a Figma document is converted within; README.md states them. */
export const FIGMA_LIMITS = {
  /** Layers nested in one another below the converted node. */
  maxDepth: 100,
  /** Layers in the converted node, itself included. */
  maxNodes: 20_000,
  /** Layers directly inside one layer. */
  maxChildren: 2_000,
  /** A layer's width or height, px. */
  maxLayerSize: 32_768,
  /** How far a layer may lie from the canvas origin, px. */
  maxCoordinate: 1_000_000,
  /** Stroke weights, spacing, padding, letter spacing, shadow offsets and radii, blur radii, px. */
  maxLength: 1_000,
  /** Gradient handles, as fractions of the layer's box. */
  maxHandle: 1_000,
  /** Fills, strokes or effects of one layer; the topmost are kept. */
  maxPaints: 64,
  /** Stops of one gradient. */
  maxStops: 64,
  /** Outlines (fillGeometry, strokeGeometry) of one layer, and characters of one outline. */
  maxPaths: 1_000,
  maxPathLength: 1_000_000,
  /** Characters of a layer's name; the rest is cut off. */
  maxNameLength: 1_000,
  /** Characters of one text layer. */
  maxTextLength: 100_000,
  /** Component properties of one instance. */
  maxProperties: 256,
  /** Runs of one text layer in a style of their own (a bold word, a link); each becomes an element. */
  maxTextRuns: 1_000,
  /** Font sizes, px. */
  maxFontSize: 1_000,
} as const;

const L = FIGMA_LIMITS;

/** An image fill's reference: Figma's are 40 hex digits; it names a file in --images and in <out>/figma/images. */
export const IMAGE_REF = /^[A-Za-z0-9_-]{1,128}$/;

const length = z.number().min(0).max(L.maxLength);
const signedLength = z.number().min(-L.maxLength).max(L.maxLength);
const fraction = z.number().min(0).max(1);
/** Figma's own values of an enumeration; the compiler checks them against the spec's type. */
const oneOf = <T extends string>(values: readonly [T, ...T[]]) => z.enum(values);
/** An object's schema by the spec's field names (the compiler checks them), other fields kept as they are. */
const fieldsOf = <T>(shape: Partial<Record<keyof T, z.ZodType>>) => z.looseObject(shape as z.ZodRawShape);

const Rgba = fieldsOf<RGBA>({ r: z.number(), g: z.number(), b: z.number(), a: z.number().optional() });
const Handle = fieldsOf<SpecVector>({ x: z.number().min(-L.maxHandle).max(L.maxHandle), y: z.number().min(-L.maxHandle).max(L.maxHandle) });
const Bound = z.looseObject({ color: z.looseObject({ id: z.string() }).optional() }).optional();
const Stop = fieldsOf<ColorStop>({ position: z.number(), color: Rgba });
const common = { visible: z.boolean().optional(), opacity: fraction.optional(), blendMode: z.string().optional() } satisfies Partial<Record<keyof BasePaint, z.ZodType>>;
const gradient = (type: readonly [GradientPaint['type'], ...GradientPaint['type'][]], handles: number) =>
  fieldsOf<GradientPaint>({ ...common, type: z.enum(type), gradientHandlePositions: z.array(Handle).min(handles).max(3), gradientStops: z.array(Stop).min(1).max(L.maxStops) });

const gradient2 = gradient(['GRADIENT_LINEAR', 'GRADIENT_ANGULAR'], 2);
const gradient3 = gradient(['GRADIENT_RADIAL', 'GRADIENT_DIAMOND'], 3);
/** The paints the converter draws, by type; others (patterns, videos) pass, to be skipped as CSS cannot draw them. */
const PAINTS: Record<string, z.ZodType> = {
  SOLID: fieldsOf<SolidPaint>({ ...common, type: z.literal('SOLID'), color: Rgba, boundVariables: Bound }),
  // Linear and angular gradients are placed by two handles, radial and diamond ones by three.
  GRADIENT_LINEAR: gradient2,
  GRADIENT_ANGULAR: gradient2,
  GRADIENT_RADIAL: gradient3,
  GRADIENT_DIAMOND: gradient3,
  IMAGE: fieldsOf<ImagePaint>({ ...common, type: z.literal('IMAGE'), imageRef: z.string().regex(IMAGE_REF), scaleMode: oneOf<ImagePaint['scaleMode']>(['FILL', 'FIT', 'TILE', 'STRETCH']) }),
};

const shadow = fieldsOf<BaseShadowEffect>({ visible: z.boolean().optional(), offset: z.object({ x: signedLength, y: signedLength }), radius: length, spread: signedLength.optional(), color: Rgba });
const blur = fieldsOf<BaseBlurEffect>({ visible: z.boolean().optional(), radius: length });
const EFFECTS: Record<string, z.ZodType> = { DROP_SHADOW: shadow, INNER_SHADOW: shadow, LAYER_BLUR: blur, BACKGROUND_BLUR: blur };

const Typed = z.looseObject({ type: z.string(), visible: z.boolean().optional() });
/** A paint's or an effect's schema by its type: the type's own where the converter draws it, else only its type. */
const byType = (schemas: Record<string, z.ZodType>) => (entry: unknown) => schemas[Typed.safeParse(entry).data?.type ?? ''] ?? Typed;

const Outline = fieldsOf<Path>({ path: z.string().max(L.maxPathLength), windingRule: z.string().optional() });

/** Lists of paints, effects and outlines: each entry checked on its own by the schema its type picks (validate.ts). */
export const LISTS: Record<'fills' | 'strokes' | 'effects' | 'fillGeometry' | 'strokeGeometry', (entry: unknown) => z.ZodType> = {
  fills: byType(PAINTS),
  strokes: byType(PAINTS),
  effects: byType(EFFECTS),
  fillGeometry: () => Outline,
  strokeGeometry: () => Outline,
};

type TextFields = Omit<TypeStyle, 'fills'>;
/** A text style's fields (a text layer's `style`, and each entry of its styleOverrideTable); its fills are a list of paints. */
export const TEXT_STYLE_FIELDS = {
  fontFamily: z.string().max(200),
  fontStyle: z.string().max(200),
  fontSize: z.number().gt(0).max(L.maxFontSize),
  fontWeight: z.number().min(1).max(1_000),
  italic: z.boolean(),
  lineHeightPx: z.number().min(0).max(L.maxFontSize * 10),
  lineHeightPercentFontSize: z.number().min(0).max(10_000),
  lineHeightUnit: oneOf<NonNullable<TypeStyle['lineHeightUnit']>>(['PIXELS', 'FONT_SIZE_%', 'INTRINSIC_%']),
  letterSpacing: signedLength,
  textAlignHorizontal: oneOf<NonNullable<TypeStyle['textAlignHorizontal']>>(['LEFT', 'RIGHT', 'CENTER', 'JUSTIFIED']),
  textDecoration: oneOf<NonNullable<TypeStyle['textDecoration']>>(['NONE', 'STRIKETHROUGH', 'UNDERLINE']),
  textCase: oneOf<NonNullable<TypeStyle['textCase']>>(['ORIGINAL', 'UPPER', 'LOWER', 'TITLE', 'SMALL_CAPS', 'SMALL_CAPS_FORCED']),
  textAutoResize: oneOf<NonNullable<TypeStyle['textAutoResize']>>(['NONE', 'WIDTH_AND_HEIGHT', 'HEIGHT', 'TRUNCATE']),
  hyperlink: fieldsOf<Hyperlink>({ type: z.string(), url: z.string().max(10_000).optional() }),
} satisfies Partial<Record<keyof TextFields, z.ZodType>>;

/** The node types' fields the converter reads, by the spec's names: frames (auto layout, strokes, corners), text, instances, pages. */
type NodeFields = FrameNode & Pick<TextNode, 'characterStyleOverrides'> & Pick<InstanceNode, 'componentId' | 'componentProperties'> & Pick<CanvasNode, 'backgroundColor'>;

const sizing = oneOf<NonNullable<HasLayoutTrait['layoutSizingHorizontal']>>(['FIXED', 'HUG', 'FILL']);
const axisAlign = oneOf<NonNullable<HasFramePropertiesTrait['primaryAxisAlignItems']>>(['MIN', 'CENTER', 'MAX', 'SPACE_BETWEEN']);
const sizingMode = oneOf<NonNullable<HasFramePropertiesTrait['primaryAxisSizingMode']>>(['FIXED', 'AUTO']);
const blendModes: readonly [BlendMode, ...BlendMode[]] = [
  'PASS_THROUGH', 'NORMAL', 'DARKEN', 'MULTIPLY', 'LINEAR_BURN', 'COLOR_BURN', 'LIGHTEN', 'SCREEN', 'LINEAR_DODGE', 'COLOR_DODGE',
  'OVERLAY', 'SOFT_LIGHT', 'HARD_LIGHT', 'DIFFERENCE', 'EXCLUSION', 'HUE', 'SATURATION', 'COLOR', 'LUMINOSITY',
];

/** A layer's own fields, other than its id, type, name, box, children, lists and text. */
export const NODE_FIELDS = {
  visible: z.boolean(),
  opacity: fraction,
  blendMode: z.enum(blendModes),
  relativeTransform: z.array(z.array(z.number()).length(3)).length(2),
  size: z.object({ x: z.number().min(0).max(L.maxLayerSize), y: z.number().min(0).max(L.maxLayerSize) }),
  clipsContent: z.boolean(),
  strokeWeight: length,
  individualStrokeWeights: z.object({ top: length, right: length, bottom: length, left: length }),
  strokeAlign: oneOf<NonNullable<MinimalStrokesTrait['strokeAlign']>>(['INSIDE', 'OUTSIDE', 'CENTER']),
  strokeDashes: z.array(length).max(64),
  strokesIncludedInLayout: z.boolean(),
  cornerRadius: z.number().min(0).max(L.maxLayerSize),
  rectangleCornerRadii: z.array(z.number().min(0).max(L.maxLayerSize)).length(4),
  layoutMode: oneOf<NonNullable<HasFramePropertiesTrait['layoutMode']>>(['NONE', 'HORIZONTAL', 'VERTICAL', 'GRID']),
  layoutWrap: oneOf<NonNullable<HasFramePropertiesTrait['layoutWrap']>>(['NO_WRAP', 'WRAP']),
  primaryAxisAlignItems: axisAlign,
  counterAxisAlignItems: oneOf<NonNullable<HasFramePropertiesTrait['counterAxisAlignItems']>>(['MIN', 'CENTER', 'MAX', 'BASELINE']),
  primaryAxisSizingMode: sizingMode,
  counterAxisSizingMode: sizingMode,
  itemSpacing: signedLength,
  counterAxisSpacing: length,
  itemReverseZIndex: z.boolean(),
  paddingTop: length,
  paddingRight: length,
  paddingBottom: length,
  paddingLeft: length,
  gridColumnCount: z.number().int().min(1).max(1_000),
  gridColumnGap: length,
  gridRowGap: length,
  layoutPositioning: oneOf<NonNullable<HasLayoutTrait['layoutPositioning']>>(['AUTO', 'ABSOLUTE']),
  layoutSizingHorizontal: sizing,
  layoutSizingVertical: sizing,
  layoutGrow: z.number().min(0).max(1),
  layoutAlign: oneOf<NonNullable<HasLayoutTrait['layoutAlign']>>(['INHERIT', 'STRETCH', 'MIN', 'CENTER', 'MAX']),
  minWidth: z.number().min(0).max(L.maxLayerSize).nullable(),
  maxWidth: z.number().min(0).max(L.maxLayerSize).nullable(),
  minHeight: z.number().min(0).max(L.maxLayerSize).nullable(),
  maxHeight: z.number().min(0).max(L.maxLayerSize).nullable(),
  componentId: z.string(),
  // Counted before each is checked: 100,000 properties on ten instances took 12 s to check.
  componentProperties: z
    .custom<object>((v) => typeof v === 'object' && v !== null && Object.keys(v).length <= L.maxProperties, `more than ${L.maxProperties} properties, or not an object`)
    .pipe(z.record(z.string(), z.looseObject({ type: z.string(), value: z.union([z.string(), z.boolean()]) }))),
  characterStyleOverrides: z.array(z.number().int().min(0)).max(L.maxTextLength),
  backgroundColor: Rgba,
} satisfies Partial<Record<keyof NodeFields, z.ZodType>>;

/** A layer's box on the canvas. */
export const BoundingBox = z.object({ x: z.number(), y: z.number(), width: z.number().min(0), height: z.number().min(0) } satisfies Record<keyof Rectangle, z.ZodType>);

/** Why a well-formed box is out of range (over maxCoordinate from the origin, over maxLayerSize wide or tall), else undefined. */
export function boxOutOfRange(b: z.infer<typeof BoundingBox>): string | undefined {
  if (Math.max(Math.abs(b.x), Math.abs(b.y)) > L.maxCoordinate) return `lies over ${L.maxCoordinate} px from the canvas' origin`;
  if (Math.max(b.width, b.height) > L.maxLayerSize) return `is ${Math.round(b.width)}×${Math.round(b.height)} px, over the ${L.maxLayerSize} px a layer may measure`;
  return undefined;
}
