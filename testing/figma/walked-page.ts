// What the in-page half of the DOM → Figma exporter (page/dom-walk.ts) reads from a rendered
// page, and dom-export.ts turns into Figma nodes. Boxes are in page CSS px; colours as
// [r, g, b, a] with r, g, b in 0..255; images as the data: URLs the page loaded them from.

export type Rgba = [number, number, number, number];
export type Rect = [x: number, y: number, width: number, height: number];

export interface WalkedShadow {
  x: number;
  y: number;
  blur: number;
  spread: number;
  color: Rgba;
  inset: boolean;
}

export interface WalkedGradient {
  /** CSS angle, degrees clockwise from "to top". */
  angle: number;
  stops: Array<{ color: Rgba; position: number }>;
}

export interface WalkedImage {
  src: string;
  /** CSS object-fit or background-size, read as the Figma scale mode. */
  scaleMode: 'FILL' | 'FIT' | 'STRETCH' | 'TILE';
}

export interface WalkedBox {
  kind: 'box';
  name: string;
  rect: Rect;
  opacity: number;
  background?: Rgba;
  gradients: WalkedGradient[];
  images: WalkedImage[];
  /** Border widths top, right, bottom, left, and the colour of the widest side. */
  border?: { widths: [number, number, number, number]; color: Rgba; dashed: boolean };
  /** Corner radii top-left, top-right, bottom-right, bottom-left. */
  radii: [number, number, number, number];
  shadows: WalkedShadow[];
  clips: boolean;
  children: WalkedItem[];
}

export interface WalkedText {
  kind: 'text';
  name: string;
  rect: Rect;
  text: string;
  lines: number;
  fontFamily: string;
  fontSize: number;
  fontWeight: number;
  italic: boolean;
  /** Line height in px: the computed value, or the measured line pitch where it is `normal`. */
  lineHeight: number;
  letterSpacing: number;
  align: 'LEFT' | 'CENTER' | 'RIGHT' | 'JUSTIFIED';
  transform: 'none' | 'uppercase' | 'lowercase' | 'capitalize';
  decoration: 'NONE' | 'UNDERLINE' | 'STRIKETHROUGH';
  color: Rgba;
}

export type WalkedItem = WalkedBox | WalkedText;

export interface WalkedPage {
  width: number;
  height: number;
  background: Rgba;
  children: WalkedItem[];
}
