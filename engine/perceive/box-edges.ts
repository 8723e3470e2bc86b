// What happens at the edges of a box: a border ring, rounded corners, a drop shadow. Each is
// measured from the pixels around the box's rectangle against what lies behind it (`behind`).
import type { DecodedImage } from '../ingest/decoded-image.ts';
import type { Rgb } from '../ir/color.ts';
import { SAME_COLOUR, dist, pixel, type IntRect } from './pixels.ts';
import { colourAt, type Ramp } from './ramp.ts';

export interface BorderRing {
  color: Rgb;
  /** ring widths in px: top, right, bottom, left */
  width: [number, number, number, number];
}

export interface DropShadow {
  x: number;
  y: number;
  blur: number;
  /** black at this opacity */
  alpha: number;
}

const MAX_BORDER = 4;
/** Colour distance within which the lines of one border ring agree (a shadow's fringe changes faster). */
const RING_SAME = 5;
/** Colour distance from the backdrop under which a shadow's fringe has faded out. */
const FADED = 2;

/**
 * A ring of one colour hugging the outside of `fill` (the rectangle of the fill colour) inside
 * `outer`, on any of the four sides. Measured on the middle half of each side, which rounded
 * corners do not reach.
 */
export function borderAround(img: DecodedImage, fill: IntRect, outer: IntRect, fillColour: Rgb, behind: Ramp): BorderRing | null {
  let color: Rgb | null = null;
  const width: BorderRing['width'] = [0, 0, 0, 0];
  const sides = [
    { d: [0, -1], along: 'x', at: fill.y0 - 1, room: fill.y0 - outer.y0 },
    { d: [1, 0], along: 'y', at: fill.x1, room: outer.x1 - fill.x1 },
    { d: [0, 1], along: 'x', at: fill.y1, room: outer.y1 - fill.y1 },
    { d: [-1, 0], along: 'y', at: fill.x0 - 1, room: fill.x0 - outer.x0 },
  ] as const;
  for (const [s, side] of sides.entries()) {
    const lineOut = (k: number) => lineColour(img, fill, side.along, side.along === 'x' ? side.at + side.d[1] * k : side.at + side.d[0] * k);
    const back = colourAt(behind, side.along === 'x' ? (fill.x0 + fill.x1) >> 1 : side.at, side.along === 'x' ? side.at : (fill.y0 + fill.y1) >> 1);
    let ring: Rgb | null = null, k = 0;
    for (; k < Math.min(MAX_BORDER, side.room); k++) {
      const c = lineOut(k);
      if (!c || dist(c, fillColour) <= SAME_COLOUR || dist(c, back) <= SAME_COLOUR || (ring && dist(c, ring) > RING_SAME)) break;
      ring ??= c;
    }
    // A border ends in a sharp step to the backdrop; a shadow's fringe fades on toward it.
    const beyond = lineOut(k);
    if (!ring) continue;
    const fades = beyond && (dist(beyond, ring) <= SAME_COLOUR || (dist(beyond, back) > FADED && dist(ring, beyond) + dist(beyond, back) <= 1.15 * dist(ring, back)));
    if (fades || (color && dist(ring, color) > SAME_COLOUR)) continue;
    color ??= ring;
    width[s] = k;
  }
  return color ? { color, width } : null;
}

/** The colour of the middle half of a row (along 'x') or column (along 'y') of `r`, when that run is of one colour. */
function lineColour(img: DecodedImage, r: IntRect, along: 'x' | 'y', at: number): Rgb | null {
  if (at < 0 || (along === 'x' ? at >= img.height : at >= img.width)) return null;
  const a = along === 'x' ? r.x0 : r.y0, b = along === 'x' ? r.x1 : r.y1;
  const from = a + ((b - a) >> 2), to = b - ((b - a) >> 2);
  if (to - from < 2) return null;
  const first = along === 'x' ? pixel(img, from, at) : pixel(img, at, from);
  for (let v = from + 1; v < to; v++) {
    const c = along === 'x' ? pixel(img, v, at) : pixel(img, at, v);
    if (dist(c, first) > SAME_COLOUR) return null;
  }
  return first;
}

/** Share of a quarter square that a circle of radius r leaves outside (1 − π/4). */
const CORNER_GAP = 1 - Math.PI / 4;

/**
 * Corner radii (top-left, top-right, bottom-right, bottom-left) of the box `r`, whose outermost
 * pixels have the colour of its edge. In each corner, the area not covered by the box is summed
 * row by row (partly covered pixels count by how far their colour lies from `behind` toward
 * the edge's colour); a circle of radius ρ leaves ρ²(1 − π/4) uncovered.
 */
export function cornerRadii(img: DecodedImage, r: IntRect, behind: Ramp): [number, number, number, number] {
  const w = r.x1 - r.x0, h = r.y1 - r.y0;
  const m = Math.floor(Math.min(w, h) / 2);
  const corners = [
    [r.x0, r.y0, 1, 1],
    [r.x1 - 1, r.y0, -1, 1],
    [r.x1 - 1, r.y1 - 1, -1, -1],
    [r.x0, r.y1 - 1, 1, -1],
  ] as const;
  return corners.map(([cx, cy, dx, dy]) => {
    if (m < 2) return 0;
    const back = colourAt(behind, cx - dx, cy - dy);
    // The edge's own colour, along the top or bottom edge where the arc has ended.
    const edge = pixel(img, cx + dx * m, cy);
    const e: Rgb = [edge[0] - back[0], edge[1] - back[1], edge[2] - back[2]];
    const ee = e[0] * e[0] + e[1] * e[1] + e[2] * e[2];
    if (ee < 64) return 0;
    let gap = 0;
    for (let k = 0; k < m; k++) {
      const y = cy + dy * k;
      let row = 0;
      for (let j = 0; j < m; j++) {
        const p = pixel(img, cx + dx * j, y);
        const cover = Math.max(0, Math.min(1, ((p[0] - back[0]) * e[0] + (p[1] - back[1]) * e[1] + (p[2] - back[2]) * e[2]) / ee));
        row += 1 - cover;
        if (cover >= 0.5) break;
      }
      if (row < 0.05) break;
      gap += row;
    }
    const radius = Math.sqrt(gap / CORNER_GAP);
    return radius < 1.5 ? 0 : Math.min(m, Math.round(radius));
  }) as [number, number, number, number];
}

/** Least darkening (0–255 luma) that counts as shadow. */
const SHADE = 1.5;

/**
 * A soft dark fringe around the box `r` within `outer`: how far it reaches past each side gives
 * the offset (half the difference of opposite sides) and the blur (half their sum); how dark it
 * is at the box's edge gives the opacity (a Gaussian edge is half as dark as the shadow).
 */
export function dropShadow(img: DecodedImage, r: IntRect, outer: IntRect, behind: Ramp): DropShadow | null {
  const mx = (r.x0 + r.x1) >> 1, my = (r.y0 + r.y1) >> 1;
  const luma = (c: Rgb) => 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
  const reach = (x: number, y: number, dx: number, dy: number, room: number) => {
    let n = 0, edge = 0;
    for (; n < room; n++) {
      const px = x + dx * n, py = y + dy * n;
      const back = luma(colourAt(behind, px, py));
      const shade = back - luma(pixel(img, px, py));
      if (shade < SHADE) break;
      if (n === 0) edge = shade / Math.max(1, back);
    }
    return { n, edge };
  };
  const top = reach(mx, r.y0 - 1, 0, -1, r.y0 - outer.y0);
  const bottom = reach(mx, r.y1, 0, 1, outer.y1 - r.y1);
  const left = reach(r.x0 - 1, my, -1, 0, r.x0 - outer.x0);
  const right = reach(r.x1, my, 1, 0, outer.x1 - r.x1);
  const spreadY = top.n + bottom.n, spreadX = left.n + right.n;
  if (spreadY < 2 && spreadX < 2) return null;
  // Opposite edges of a Gaussian shadow are Φ(u) and Φ(−u) of its darkness: they sum to it.
  const alpha = Math.min(1, (top.edge + bottom.edge + left.edge + right.edge) / 2);
  if (alpha < 0.02) return null;
  // The fringe fades out of sight where the tail 1 − Φ(d/σ) drops below SHADE; CSS blur is 2σ.
  const seen = Math.max(spreadY, spreadX) / 2;
  const z = normalQuantile(Math.max(0.5, 1 - SHADE / (255 * alpha)));
  const blur = z > 0.1 ? (2 * seen) / z : seen;
  return { x: Math.round((right.n - left.n) / 2), y: Math.round((bottom.n - top.n) / 2), blur: Math.round(blur), alpha: Math.round(alpha * 100) / 100 };
}

/** z with Φ(z) = p, by bisection on an erf approximation (Abramowitz & Stegun 7.1.26). */
function normalQuantile(p: number): number {
  const phi = (z: number) => {
    const x = Math.abs(z) / Math.SQRT2, t = 1 / (1 + 0.3275911 * x);
    const erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
    return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
  };
  let lo = -6, hi = 6;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (phi(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
