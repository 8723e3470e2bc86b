// Figma auto layout → the IR's flow layout, value for value: direction, wrap, spacing,
// padding, alignment on both axes, and each child's sizing (FIXED/HUG/FILL, or the older
// layoutGrow/layoutAlign), min/max sizes, absolute positioning and reversed stacking.
import type { HasFramePropertiesTrait, HasLayoutTrait } from '@figma/rest-api-spec';
import type { DesignNode, Layout, Sizing } from '../ir/schema.ts';
import { flowLayout } from '../ir/build.ts';

export type AutoLayoutFrame = HasFramePropertiesTrait & HasLayoutTrait;
type LayoutChild = Partial<HasLayoutTrait> & { type: string };

const MAIN = { MIN: 'start', CENTER: 'center', MAX: 'end', SPACE_BETWEEN: 'space-between' } as const;
const CROSS = { MIN: 'start', CENTER: 'center', MAX: 'end', BASELINE: 'baseline' } as const;

export const hasAutoLayout = (f: Partial<AutoLayoutFrame>) => f.layoutMode === 'HORIZONTAL' || f.layoutMode === 'VERTICAL' || f.layoutMode === 'GRID';

export function toLayout(f: AutoLayoutFrame): Layout {
  const padding = { top: f.paddingTop ?? 0, right: f.paddingRight ?? 0, bottom: f.paddingBottom ?? 0, left: f.paddingLeft ?? 0 };
  if (f.layoutMode === 'GRID') {
    return flowLayout('grid', { columns: Math.max(1, f.gridColumnCount ?? 1), gap: f.gridColumnGap ?? 0, crossGap: f.gridRowGap ?? 0, padding });
  }
  return flowLayout(f.layoutMode === 'HORIZONTAL' ? 'row' : 'column', {
    // A negative spacing overlaps the children: it becomes their margins (see childMargins).
    gap: Math.max(0, f.itemSpacing ?? 0),
    crossGap: Math.max(0, f.counterAxisSpacing ?? 0),
    padding,
    mainAlign: MAIN[f.primaryAxisAlignItems ?? 'MIN'],
    crossAlign: CROSS[f.counterAxisAlignItems ?? 'MIN'],
    wrap: f.layoutWrap === 'WRAP',
  });
}

/** How an auto-layout frame sizes itself where its parent does not say. */
export function ownSizing(f: AutoLayoutFrame): Sizing {
  const main = f.primaryAxisSizingMode === 'AUTO' ? 'hug' : 'fixed';
  const cross = f.counterAxisSizingMode === 'AUTO' ? 'hug' : 'fixed';
  return f.layoutMode === 'HORIZONTAL' ? { width: main, height: cross } : { width: cross, height: main };
}

const SIZING = { FIXED: 'fixed', HUG: 'hug', FILL: 'fill' } as const;

/** A child's sizing in its auto-layout parent: the explicit setting, else the older grow/stretch flags. */
export function childSizing(c: LayoutChild, parent: AutoLayoutFrame, own: Sizing): Sizing {
  const row = parent.layoutMode === 'HORIZONTAL';
  let { width, height } = own;
  if (c.layoutGrow === 1) [width, height] = row ? ['fill', height] : [width, 'fill'];
  if (c.layoutAlign === 'STRETCH') [width, height] = row ? [width, 'fill'] : ['fill', height];
  return {
    width: c.layoutSizingHorizontal ? SIZING[c.layoutSizingHorizontal] : width,
    height: c.layoutSizingVertical ? SIZING[c.layoutSizingVertical] : height,
  };
}

export function limitsOf(c: Partial<HasLayoutTrait>): DesignNode['limits'] {
  const entries = (['minWidth', 'maxWidth', 'minHeight', 'maxHeight'] as const).flatMap((k) => (typeof c[k] === 'number' && c[k]! > 0 ? [[k, c[k]!]] : []));
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/**
 * Places the flow children of an auto-layout frame: negative item spacing as negative margins
 * (each child after the first overlaps the one before), and reversed stacking as z-indices
 * (the first child on top).
 */
export function placeChildren(f: AutoLayoutFrame, children: DesignNode[]): void {
  const flow = children.filter((c) => !c.absolute);
  const spacing = f.itemSpacing ?? 0;
  if (spacing < 0 && f.layoutMode !== 'GRID') {
    const side = f.layoutMode === 'HORIZONTAL' ? 'left' : 'top';
    for (const c of flow.slice(1)) c.margin = { top: 0, right: 0, bottom: 0, left: 0, [side]: spacing };
  }
  if (f.itemReverseZIndex) children.forEach((c, i) => (c.zIndex = children.length - i));
}
