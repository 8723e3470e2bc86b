// Hand-written Design IR used by the codegen tests (and handy for trying the generators).
import { frame, text, noStyle, flowLayout } from '../../engine/ir/build.ts';
import type { Design } from '../../engine/ir/schema.ts';

/** A 4×4 PNG of one colour (#3366cc), made without any image library. */
export const BLUE_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGMwTjsDRwzEcQA64hZRB8tCjwAAAABJRU5ErkJggg==';

/** A design of `root` in a viewport of its size, with the one picture the fixtures draw (blue). */
function withBluePicture(root: Design['root'], width: number, height: number): Design {
  return { version: 1, viewport: { width, height }, root, assets: { blue: { mime: 'image/png', width: 4, height: 4, data: BLUE_PNG_BASE64 } } };
}

export function landingPage(): Design {
  const nav = frame(
    'nav',
    { x: 0, y: 0, width: 400, height: 40 },
    [
      text('home', { x: 16, y: 10, width: 40, height: 20 }, 'Home', { color: '#ffffff' }, { role: 'link', href: '#' }),
      text('about', { x: 68, y: 10, width: 44, height: 20 }, 'About', { color: '#ffffff' }, { role: 'link', href: '#' }),
    ],
    {
      name: 'Top nav',
      role: 'nav',
      sizing: { width: 'fill', height: 'fixed' },
      layout: flowLayout('row', { gap: 12, padding: { top: 10, right: 16, bottom: 10, left: 16 }, crossAlign: 'center' }),
      style: { ...noStyle(), fills: [{ type: 'solid', color: '#1a2b3c' }] },
    },
  );
  const title = text('title', { x: 24, y: 64, width: 220, height: 36 }, 'Hello Loupe', { fontSize: 32, lineHeight: 36, fontWeight: 700 }, { role: 'heading', level: 1, name: 'Hero title' });
  const body = text(
    'body',
    { x: 24, y: 112, width: 200, height: 40 },
    'Turn designs into code that renders the same everywhere.',
    { fontSize: 14, lineHeight: 20, color: '#333333' },
    { role: 'paragraph', sizing: { width: 'fixed', height: 'hug' } },
  );
  const button = frame(
    'cta',
    { x: 24, y: 168, width: 120, height: 40 },
    [text('cta-label', { x: 44, y: 178, width: 80, height: 20 }, 'Get started', { color: '#ffffff', fontWeight: 600, align: 'center' })],
    {
      name: 'Primary button',
      role: 'button',
      sizing: { width: 'fixed', height: 'fixed' },
      layout: flowLayout('row', { mainAlign: 'center', crossAlign: 'center' }),
      style: { ...noStyle(), fills: [{ type: 'solid', color: '#e63946' }], radius: [8, 8, 8, 8] },
    },
  );
  const image = {
    type: 'image' as const,
    id: 'photo',
    name: 'Photo',
    box: { x: 260, y: 64, width: 116, height: 80 },
    sizing: { width: 'fixed' as const, height: 'fixed' as const },
    assetId: 'blue',
    alt: 'A blue square',
    fit: 'cover' as const,
  };
  const cards = frame(
    'cards',
    { x: 24, y: 232, width: 352, height: 60 },
    [0, 1, 2].map((i) =>
      frame(`card-${i}`, { x: 24 + i * 124, y: 232, width: 104, height: 60 }, [], {
        name: 'Card',
        role: 'listitem',
        sizing: { width: 'fixed', height: 'fixed' },
        style: { ...noStyle(), fills: [{ type: 'solid', color: ['#2a9d8f', '#e9c46a', '#f4a261'][i]! }], border: { color: '#000000', style: 'solid', width: { top: 1, right: 1, bottom: 1, left: 1 } } },
      }),
    ),
    { name: 'Cards', role: 'list', sizing: { width: 'fixed', height: 'hug' }, layout: flowLayout('row', { gap: 20 }) },
  );
  const star = {
    type: 'vector' as const,
    id: 'star',
    name: 'Star',
    box: { x: 340, y: 300, width: 24, height: 24 },
    sizing: { width: 'fixed' as const, height: 'fixed' as const },
    svg: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#ff9900" stroke-width="0" d="M0 0h24v24H0z"/></svg>',
  };
  const hero = frame('hero', { x: 0, y: 40, width: 400, height: 300 }, [title, body, button, image, cards, star], {
    name: 'Hero',
    role: 'main',
    sizing: { width: 'fill', height: 'fixed' },
    layout: flowLayout('none'),
    style: { ...noStyle(), fills: [{ type: 'solid', color: '#f1faee' }] },
  });
  const root = frame('root', { x: 0, y: 0, width: 400, height: 340 }, [nav, hero], {
    name: 'Landing',
    sizing: { width: 'fixed', height: 'fixed' },
    style: { ...noStyle(), fills: [{ type: 'solid', color: '#ffffff' }] },
  });
  return { ...withBluePicture(root, 400, 340), source: { kind: 'image', name: 'landing' } };
}

/** Flow layouts (column, wrapping row, grid, fill), paints, borders, shadows and fonts. */
export function layoutShowcase(): Design {
  const solid = (color: string) => ({ ...noStyle(), fills: [{ type: 'solid' as const, color }] });
  const chip = (i: number) =>
    frame(`chip-${i}`, { x: 0, y: 0, width: 90, height: 24 }, [], { name: 'Chip', sizing: { width: 'fixed', height: 'fixed' }, style: solid('#8ecae6') });
  const cell = (i: number) =>
    frame(`cell-${i}`, { x: 0, y: 0, width: 100, height: 30 }, [], { name: 'Cell', sizing: { width: 'fill', height: 'fixed' }, style: solid('#219ebc') });
  const toolbar = frame('toolbar', { x: 20, y: 20, width: 320, height: 62 }, [0, 1, 2, 3].map(chip), {
    name: 'Toolbar',
    sizing: { width: 'fixed', height: 'hug' },
    layout: flowLayout('row', { gap: 10, crossGap: 14, wrap: true }),
  });
  const grid = frame('grid', { x: 20, y: 98, width: 320, height: 74 }, [0, 1, 2, 3, 4, 5].map(cell), {
    name: 'Grid',
    sizing: { width: 'fixed', height: 'hug' },
    layout: flowLayout('grid', { columns: 3, gap: 10, crossGap: 14 }),
  });
  const split = frame(
    'split',
    { x: 20, y: 188, width: 320, height: 40 },
    [
      frame('fixed', { x: 20, y: 188, width: 60, height: 40 }, [], { name: 'Fixed side', sizing: { width: 'fixed', height: 'fill' }, style: solid('#023047') }),
      frame('grow', { x: 88, y: 188, width: 252, height: 40 }, [], {
        name: 'Growing side',
        sizing: { width: 'fill', height: 'fill' },
        style: {
          fills: [{ type: 'linear-gradient', angle: 90, stops: [{ color: '#ff0000', position: 0 }, { color: '#0000ff', position: 1 }] }],
          shadows: [{ x: 0, y: 2, blur: 4, spread: 0, color: '#00000040', inset: false }],
          opacity: 0.9,
          radius: [4, 4, 0, 0],
          border: { color: '#fb8500', style: 'dashed', width: { top: 0, right: 0, bottom: 3, left: 0 } },
        },
      }),
    ],
    { name: 'Split', sizing: { width: 'fixed', height: 'fixed' }, layout: flowLayout('row', { gap: 8, crossAlign: 'stretch' }) },
  );
  const texts = frame(
    'texts',
    { x: 20, y: 244, width: 320, height: 96 },
    [
      text('serif', { x: 20, y: 244, width: 150, height: 22 }, 'Serif italic', { fontClass: 'serif', fontFamily: 'Times New Roman', fontSize: 18, lineHeight: 22, italic: true }),
      text('mono', { x: 20, y: 270, width: 120, height: 18 }, 'mono_code()', { fontClass: 'mono', fontFamily: 'Courier New', fontSize: 14, lineHeight: 18, fontWeight: 700 }),
      text('lines', { x: 20, y: 292, width: 280, height: 40 }, 'First line\nSecond <line> & more', { lineHeight: 20, transform: 'uppercase', letterSpacing: 0.5 }, { margin: { top: 4, right: 0, bottom: 0, left: 6 } }),
      frame('badge', { x: 300, y: 250, width: 30, height: 30 }, [], {
        name: 'Badge',
        absolute: true,
        sizing: { width: 'fixed', height: 'fixed' },
        style: { ...noStyle(), fills: [{ type: 'image', assetId: 'blue', fit: 'cover' }], radius: [15, 15, 15, 15] },
      }),
    ],
    { name: 'Texts', sizing: { width: 'fixed', height: 'hug' }, layout: flowLayout('column', { gap: 4 }) },
  );
  const root = frame('root', { x: 0, y: 0, width: 360, height: 360 }, [toolbar, grid, split, texts], {
    name: 'Showcase',
    sizing: { width: 'fixed', height: 'fixed' },
    layout: flowLayout('column', { gap: 16, padding: { top: 20, right: 20, bottom: 20, left: 20 } }),
    style: solid('#fefae0'),
  });
  return withBluePicture(root, 360, 360);
}

/**
 * A 1280 px page as a designer draws one for the desktop: a header with a logo and a menu, a
 * hero of copy beside a picture, a grid of three cards with an icon each, a quote centred by its
 * margins, a footer line centred by the footer's padding.
 */
export function responsivePage(): Design {
  const solid = (color: string) => ({ ...noStyle(), fills: [{ type: 'solid' as const, color }] });
  const picture = (id: string, box: { x: number; y: number; width: number; height: number }) => ({
    type: 'image' as const,
    id,
    name: 'Picture',
    box,
    sizing: { width: 'fixed' as const, height: 'fixed' as const },
    assetId: 'blue',
    alt: 'A blue picture',
    fit: 'cover' as const,
  });
  const links = ['Product', 'Pricing', 'Customers', 'Contact'].map((label, i) =>
    text(`link-${i}`, { x: 900 + i * 90, y: 30, width: 70, height: 20 }, label, { fontSize: 16, lineHeight: 20 }, { role: 'link', href: '#' }),
  );
  const menu = frame('menu', { x: 900, y: 30, width: 340, height: 20 }, links, { name: 'Menu', role: 'nav', sizing: { width: 'hug', height: 'hug' }, layout: flowLayout('row', { gap: 20 }) });
  const logo = text('logo', { x: 40, y: 26, width: 120, height: 28 }, 'Lighthouse', { fontSize: 24, lineHeight: 28, fontWeight: 700 });
  const header = frame('header', { x: 0, y: 0, width: 1280, height: 80 }, [logo, menu], {
    name: 'Header',
    role: 'header',
    sizing: { width: 'fill', height: 'fixed' },
    layout: flowLayout('row', { mainAlign: 'space-between', crossAlign: 'center', padding: { top: 0, right: 40, bottom: 0, left: 40 } }),
    style: solid('#0b2545'),
  });
  const copy = frame(
    'copy',
    { x: 40, y: 120, width: 560, height: 208 },
    [
      text('title', { x: 40, y: 120, width: 560, height: 96 }, 'Keep every ship in sight, from harbour to open sea', { fontSize: 40, lineHeight: 48, fontWeight: 700 }, { role: 'heading', level: 1, sizing: { width: 'fill', height: 'hug' } }),
      text('lede', { x: 40, y: 240, width: 560, height: 88 }, 'Lighthouse tracks vessels, weather and port traffic in one view, so that a crew knows where it stands before it leaves and every hour after. It runs on any screen.', { fontSize: 18, lineHeight: 22 }, { role: 'paragraph', sizing: { width: 'fill', height: 'hug' } }),
    ],
    { name: 'Copy', sizing: { width: 'fixed', height: 'hug' }, layout: flowLayout('column', { gap: 24 }) },
  );
  const hero = frame('hero', { x: 0, y: 80, width: 1280, height: 440 }, [copy, picture('hero-picture', { x: 680, y: 120, width: 560, height: 360 })], {
    name: 'Hero',
    role: 'section',
    sizing: { width: 'fill', height: 'hug' },
    layout: flowLayout('row', { gap: 80, padding: { top: 40, right: 40, bottom: 40, left: 40 } }),
  });
  const card = (i: number) => {
    const x = 40 + i * 408;
    return frame(
      `card-${i}`,
      { x, y: 560, width: 384, height: 120 },
      [
        frame(`icon-${i}`, { x: x + 24, y: 584, width: 32, height: 32 }, [], { name: 'Icon', role: 'icon', sizing: { width: 'fixed', height: 'fixed' }, style: { ...solid('#13315c'), radius: [8, 8, 8, 8] } }),
        text(`card-text-${i}`, { x: x + 24, y: 632, width: 336, height: 20 }, `Feature ${i + 1}`, { fontSize: 16, lineHeight: 20 }),
      ],
      { name: 'Card', sizing: { width: 'fill', height: 'fixed' }, layout: flowLayout('column', { gap: 16, padding: { top: 24, right: 24, bottom: 24, left: 24 } }), style: solid('#eef4ed') },
    );
  };
  const features = frame('features', { x: 0, y: 520, width: 1280, height: 200 }, [0, 1, 2].map(card), {
    name: 'Features',
    role: 'section',
    sizing: { width: 'fill', height: 'hug' },
    layout: flowLayout('grid', { columns: 3, gap: 24, crossGap: 24, padding: { top: 40, right: 40, bottom: 40, left: 40 } }),
  });
  // Centred by its margins in the page's column.
  const quote = text(
    'quote',
    { x: 340, y: 720, width: 600, height: 60 },
    '“We saw the storm coming two days before the port did, and we were home before it.” A harbour master on the North Sea',
    { fontSize: 20, lineHeight: 30, align: 'center' },
    { role: 'paragraph', sizing: { width: 'fixed', height: 'hug' }, margin: { top: 0, right: 0, bottom: 0, left: 340 } },
  );
  // Its line centred by the footer's side padding.
  const footer = frame('footer', { x: 0, y: 780, width: 1280, height: 60 }, [text('legal', { x: 440, y: 800, width: 400, height: 20 }, '© Lighthouse, all rights reserved', { fontSize: 14, lineHeight: 20, align: 'center' }, { sizing: { width: 'fill', height: 'hug' } })], {
    name: 'Footer',
    role: 'footer',
    sizing: { width: 'fill', height: 'fixed' },
    layout: flowLayout('column', { padding: { top: 20, right: 440, bottom: 20, left: 440 } }),
    style: solid('#0b2545'),
  });
  const root = frame('root', { x: 0, y: 0, width: 1280, height: 840 }, [header, hero, features, quote, footer], {
    name: 'Lighthouse',
    sizing: { width: 'fixed', height: 'hug' },
    layout: flowLayout('column'),
    style: solid('#ffffff'),
  });
  return withBluePicture(root, 1280, 840);
}
