// What a model is asked, for each way it writes code. Each prompt gives the text perception read
// (so the model spells it as the design does) and the exact size to fill, and asks for code
// Loupe can check: HTML with its CSS in a <style>, no scripts, nothing from the network.
import type { Design } from '../ir/index.ts';
import { textOf, type Segment } from './segments.ts';

const RULES = 'Use flexbox for layout, real text, and semantic tags (header, nav, main, section, footer, ul/li, button, a). No scripts, nothing loaded from the network (no fonts, images or stylesheets by URL): draw pictures as blocks of their main colour.';

const textLines = (lines: string[]) => (lines.length ? ['The text on it, top to bottom:', ...lines.slice(0, 200).map((l) => `- ${l}`)] : []);

/** The whole design in one answer. */
export function pagePrompt(design: Design): string {
  return [
    `Write one self-contained HTML file (a <style> element, no scripts, nothing loaded from the network) that reproduces this design at ${design.viewport.width}×${design.viewport.height} px.`,
    'Use flexbox for layout, real text, and semantic tags (header, nav, main, section, footer, button, a).',
    ...textLines(textOf(design.root)),
    'Answer with the HTML only, in one ```html block.',
  ].join('\n');
}

/** One segment, shown cropped: its markup takes the place of that part of the page. */
export function segmentPrompt(segment: Segment): string {
  const { width, height } = segment.box;
  return [
    `The image is one part (${segment.label}) of a web page, ${Math.round(width)}×${Math.round(height)} px. Write the HTML and CSS for this part alone: one root element that fills its container's width and is ${Math.round(height)} px tall, and a <style> element whose rules use classes (they are scoped to this part).`,
    RULES,
    ...textLines(textOf(segment.node)),
    'Answer with the HTML only, in one ```html block.',
  ].join('\n');
}

/** One segment and perception's code for it: the model improves its structure, keeping how it looks. */
export function refinePrompt(segment: Segment, perceptionHtml: string): string {
  return [
    `The image is one part (${segment.label}) of a web page, ${Math.round(segment.box.width)}×${Math.round(segment.box.height)} px, and below is code that draws it. Rewrite the code so that a developer would keep it: semantic tags, real lists and links, readable class names, flexbox instead of fixed positions. It must look the same as the image, at the same size: it is kept only if it renders at least as close to the image as this code does.`,
    RULES,
    'Answer with one root element and one <style> element, in one ```html block.',
    '```html',
    perceptionHtml,
    '```',
  ].join('\n');
}

/** A region where the render differs from the design most, in page px. */
export interface DiffRegion {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Share of its pixels that differ. */
  mismatch: number;
}

/** Think mode: the design, the render's difference map and the page's code; the model repairs the worst regions. */
export function repairPrompt(html: string, regions: DiffRegion[], size: { width: number; height: number }): string {
  return [
    `The first image is a design, ${size.width}×${size.height} px; the second shows in red where the render of the code below differs from it. Fix the code so that its render matches the design, starting with these regions (page px):`,
    ...regions.map((r) => `- x ${Math.round(r.x)}, y ${Math.round(r.y)}, ${Math.round(r.width)}×${Math.round(r.height)}: ${(r.mismatch * 100).toFixed(0)}% of pixels differ`),
    RULES,
    'Answer with the whole corrected HTML file, in one ```html block.',
    '```html',
    html,
    '```',
  ].join('\n');
}
