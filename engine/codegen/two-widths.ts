// Two designs of one page (a desktop one and a phone one) as one element tree. Each design is
// converted on its own; the trees are then laid over each other: an element of the wide design
// and one of the narrow design that hold the same text or pictures become one element, with the
// declarations both share always, the wide design's from the breakpoint up and the narrow
// design's below it. What only one design has stays, shown only at its own widths. So the code
// holds each thing once where the two designs agree, and both forms only where they do not.
import type { AssetFile, Decl, Element, Narrow, Page } from './tree.ts';
import { walk } from './html.ts';

/** An element's pairing with another scores at least this (0…1) or they stay apart. */
const SAME_ELEMENT = 0.5;

/**
 * Text pairs only when it says the same (a few words read differently at most): one element
 * holds one text, so a heading cut into other lines at the other width is two elements.
 */
const SAME_TEXT = 0.8;

/** Where the narrow design takes over: a tablet-sized viewport keeps the wide design's fluid layout. */
export function defaultBreakpoint(wideWidth: number, narrowWidth: number): number {
  return Math.min(Math.floor(wideWidth), Math.max(Math.floor(narrowWidth) + 1, 768));
}

export interface TwoWidthsReport {
  breakpoint: number;
  /** Elements written once for both designs. */
  shared: number;
  /** Elements only the wide design shows, and only the narrow one. */
  wideOnly: number;
  narrowOnly: number;
}

/**
 * One page from the pages of two designs of it, `wide` wider than `narrow`; below `breakpoint`
 * px (default: `defaultBreakpoint`) it is the narrow design's.
 */
export function mergeWidths(wide: Page, narrow: Page, breakpoint = defaultBreakpoint(wide.viewport.width, narrow.viewport.width)): { page: Page; report: TwoWidthsReport } {
  if (!(narrow.viewport.width < wide.viewport.width)) throw new RangeError(`the narrow design (${narrow.viewport.width} px) must be narrower than the wide one (${wide.viewport.width} px)`);
  if (!(breakpoint > narrow.viewport.width && breakpoint <= wide.viewport.width)) throw new RangeError(`the breakpoint ${breakpoint} px must lie above the narrow design's width and at most the wide design's`);
  const merger = new Merger(wide, narrow, breakpoint);
  const root = merger.pair(wide.root, narrow.root);
  return {
    page: {
      ...wide,
      root,
      assets: [...wide.assets, ...merger.narrowAssets()],
      textStyles: unique([...wide.textStyles, ...narrow.textStyles]),
      variables: new Map([...narrow.variables, ...wide.variables]),
    },
    report: { breakpoint, ...merger.counts },
  };
}

const unique = <T>(items: T[]): T[] => [...new Map(items.map((i) => [JSON.stringify(i), i])).values()];

/** What an element shows, as a bag of tokens: its words, its pictures, its drawings. */
type Bag = Map<string, number>;

const words = (s: string) => s.toLowerCase().normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];

function kind(el: Element): string {
  if (el.svg !== undefined) return 'svg';
  if (el.src !== undefined) return 'picture';
  if (el.text !== undefined || el.inline) return 'text';
  if (el.markup) return 'markup';
  return el.children.length > 0 ? 'box' : `empty ${el.tag}`;
}

class Merger {
  readonly counts = { shared: 0, wideOnly: 0, narrowOnly: 0 };
  private readonly bags = new Map<Element, Bag>();
  private readonly names = new Set<string>();
  /** Narrow-design asset path → its path in the merged page, for the assets that survive. */
  private readonly assetPaths = new Map<string, string>();

  constructor(
    private readonly wide: Page,
    private readonly narrow: Page,
    private readonly breakpoint: number,
  ) {
    walk(wide.root, (el) => this.names.add(el.name));
  }

  private bag(el: Element): Bag {
    let bag = this.bags.get(el);
    if (bag) return bag;
    bag = new Map();
    const add = (token: string, n = 1) => bag!.set(token, (bag!.get(token) ?? 0) + n);
    if (el.text) for (const w of words(el.text.join(' '))) add(`w:${w}`);
    if (el.src !== undefined) add('picture');
    if (el.svg !== undefined) add('drawing');
    for (const [k, v] of el.attrs) if (k === 'placeholder' || k === 'aria-label' || k === 'alt' || k === 'value') for (const w of words(v)) add(`w:${w}`);
    for (const c of el.children) for (const [t, n] of this.bag(c)) add(t, n);
    this.bags.set(el, bag);
    return bag;
  }

  /** How alike two elements are, 0…1: the overlap of what they show (Dice), for elements of one kind. */
  similarity(a: Element, b: Element): number {
    const k = kind(a);
    // One tag, so that what the browser gives a tag by default (a list item's marker, a span's inline flow) is what each design's declarations assumed.
    if (k !== kind(b) || a.tag !== b.tag) return 0;
    const A = this.bag(a);
    const B = this.bag(b);
    let total = 0;
    let common = 0;
    for (const n of A.values()) total += n;
    for (const [t, n] of B) {
      total += n;
      common += Math.min(n, A.get(t) ?? 0);
    }
    // Shapes and rules show nothing to compare: of one tag, they pair by their order alone.
    if (total === 0) return SAME_ELEMENT;
    const dice = (2 * common) / total;
    if (k !== 'text') return dice;
    // As many words, so a word read differently pairs but a text cut into two elements at the
    // other width does not pair with its first piece; hard line breaks are written as they are,
    // so text broken into other lines is other text.
    const words = (bag: Bag) => [...bag.values()].reduce((t, n) => t + n, 0);
    const lines = (el: Element) => el.text?.length ?? 1;
    return dice >= SAME_TEXT && words(A) === words(B) && lines(a) === lines(b) ? dice : 0;
  }

  /** `a` of the wide design and `b` of the narrow one as one element. */
  pair(a: Element, b: Element): Element {
    this.counts.shared++;
    const { both, wideOnly, narrowOnly } = splitDecls(a.decls, b.decls);
    const narrow: Narrow[] = [
      ...(wideOnly.length ? [{ from: this.breakpoint, below: Infinity, decls: wideOnly }] : []),
      ...this.wideRanges(a.narrow),
      ...(narrowOnly.length ? [{ below: this.breakpoint, decls: narrowOnly }] : []),
      ...(b.narrow ?? []),
    ];
    const merged: Element = { ...a, decls: both, children: this.children(a, b) };
    delete merged.narrow;
    delete merged.component;
    if (narrow.length) merged.narrow = narrow;
    return merged;
  }

  /** The wide design's own reflow, kept to the widths where the wide design shows. */
  private wideRanges(narrow: readonly Narrow[] | undefined): Narrow[] {
    return (narrow ?? []).filter((n) => n.below > this.breakpoint).map((n) => ({ ...n, from: Math.max(n.from ?? 0, this.breakpoint) }));
  }

  private children(a: Element, b: Element): Element[] {
    // Text in styled runs pairs run by run where both designs cut it alike; otherwise the wide one's runs serve both.
    if (a.inline || b.inline) {
      const alike = a.children.length === b.children.length && a.children.every((c, i) => this.similarity(c, b.children[i]!) >= SAME_ELEMENT);
      return alike ? a.children.map((c, i) => this.pair(c, b.children[i]!)) : a.children.map((c) => this.keepWide(c, false));
    }
    return this.sequence(a.children, b.children);
  }

  /**
   * Two runs of siblings as one: alike elements paired in order; between two pairs, a box that
   * only one design draws around elements the other has loose is kept as a box at its own widths
   * and `display: contents` at the other's, so its content pairs with the loose elements there.
   */
  private sequence(wide: readonly Element[], narrow: readonly Element[]): Element[] {
    const out: Element[] = [];
    let gap: { wide: Element[]; narrow: Element[] } = { wide: [], narrow: [] };
    const flush = () => {
      out.push(...this.gap(gap.wide, gap.narrow));
      gap = { wide: [], narrow: [] };
    };
    for (const step of align(wide, narrow, (x, y) => this.similarity(x, y))) {
      if (step.wide && step.narrow) {
        flush();
        out.push(this.pair(step.wide, step.narrow));
      } else if (step.wide) gap.wide.push(step.wide);
      else gap.narrow.push(step.narrow!);
    }
    flush();
    return out;
  }

  /** Siblings between two pairs: the box whose content pairs best with the other side's loose elements becomes a wrapper, and the rest on either side of it goes the same way. */
  private gap(wide: readonly Element[], narrow: readonly Element[]): Element[] {
    type Cut = { of: 'wide' | 'narrow'; at: number; from: number; to: number; pairs: number };
    let best: Cut | undefined;
    const consider = (of: Cut['of'], at: number, inside: readonly Element[], loose: readonly Element[]) => {
      const steps = align(of === 'wide' ? inside : loose, of === 'wide' ? loose : inside, (p, q) => this.similarity(p, q));
      const paired: number[] = [];
      let j = 0;
      for (const s of steps) {
        const other = of === 'wide' ? s.narrow : s.wide;
        if (s.wide && s.narrow) paired.push(j);
        if (other) j++;
      }
      if (paired.length > (best?.pairs ?? 0)) best = { of, at, from: paired[0]!, to: paired[paired.length - 1]!, pairs: paired.length };
    };
    wide.forEach((w, i) => kind(w) === 'box' && consider('wide', i, w.children, narrow));
    narrow.forEach((n, i) => kind(n) === 'box' && consider('narrow', i, n.children, wide));
    if (!best) return [...wide.map((w) => this.onlyWide(w)), ...narrow.map((n) => this.onlyNarrow(n))];
    const { of, at, from, to } = best;
    const [boxes, loose] = of === 'wide' ? [wide, narrow] : [narrow, wide];
    const box = boxes[at]!;
    const inner = loose.slice(from, to + 1);
    const wrapped = this.wrapper(box, of, of === 'wide' ? this.sequence(box.children, inner) : this.sequence(inner, box.children));
    const side = (b: readonly Element[], l: readonly Element[]) => (of === 'wide' ? this.gap(b, l) : this.gap(l, b));
    return [...side(boxes.slice(0, at), loose.slice(0, from)), wrapped, ...side(boxes.slice(at + 1), loose.slice(to + 1))];
  }

  /** A box of one design only around `children`: itself at its own widths, `display: contents` at the other's. */
  private wrapper(box: Element, of: 'wide' | 'narrow', children: Element[]): Element {
    this.counts.shared++;
    const own: Narrow[] = of === 'wide'
      ? [...(box.decls.length ? [{ from: this.breakpoint, below: Infinity, decls: box.decls }] : []), ...this.wideRanges(box.narrow), { below: this.breakpoint, decls: [['display', 'contents']] }]
      : [{ from: this.breakpoint, below: Infinity, decls: [['display', 'contents']] }, ...(box.decls.length ? [{ below: this.breakpoint, decls: box.decls }] : []), ...(box.narrow ?? [])];
    const out: Element = { ...box, name: of === 'wide' ? box.name : this.freshName(box.name), decls: [], narrow: own, children };
    delete out.component;
    return out;
  }

  /** An element only the wide design has: hidden below the breakpoint. */
  private onlyWide(el: Element): Element {
    const kept = this.keepWide(el, true);
    return { ...kept, narrow: [...(kept.narrow ?? []), { below: this.breakpoint, decls: [['display', 'none']] }] };
  }

  private keepWide(el: Element, counted: boolean): Element {
    if (counted) this.counts.wideOnly++;
    const out: Element = { ...el, children: el.children.map((c) => this.keepWide(c, counted)) };
    delete out.component;
    const narrow = this.wideRanges(el.narrow);
    if (narrow.length) out.narrow = narrow;
    else delete out.narrow;
    return out;
  }

  /** An element only the narrow design has: shown only below the breakpoint. */
  private onlyNarrow(el: Element): Element {
    const kept = this.keepNarrow(el);
    return { ...kept, narrow: [{ from: this.breakpoint, below: Infinity, decls: [['display', 'none']] }, ...(kept.narrow ?? [])] };
  }

  private keepNarrow(el: Element): Element {
    this.counts.narrowOnly++;
    const out: Element = { ...el, name: this.freshName(el.name), children: el.children.map((c) => this.keepNarrow(c)) };
    delete out.component;
    if (el.src !== undefined) out.src = this.assetPath(el.src);
    return out;
  }

  private freshName(name: string): string {
    let fresh = this.names.has(name) ? `${name}-narrow` : name;
    for (let i = 2; this.names.has(fresh); i++) fresh = `${name}-narrow-${i}`;
    this.names.add(fresh);
    return fresh;
  }

  private assetPath(path: string): string {
    let fresh = this.assetPaths.get(path);
    if (fresh) return fresh;
    const taken = new Set([...this.wide.assets.map((a) => a.path), ...this.assetPaths.values()]);
    const slash = path.lastIndexOf('/') + 1;
    fresh = path;
    for (let i = 1; taken.has(fresh); i++) fresh = `${path.slice(0, slash)}narrow-${i > 1 ? `${i}-` : ''}${path.slice(slash)}`;
    this.assetPaths.set(path, fresh);
    return fresh;
  }

  /** The narrow design's assets that its own elements still use, under their paths in the merged page. */
  narrowAssets(): AssetFile[] {
    return this.narrow.assets.filter((a) => this.assetPaths.has(a.path)).map((a) => ({ ...a, path: this.assetPaths.get(a.path)! }));
  }
}

/**
 * A property both designs declare alike applies at every width; otherwise each design's
 * declarations of it apply in its own range.
 */
function splitDecls(a: readonly Decl[], b: readonly Decl[]): { both: Decl[]; wideOnly: Decl[]; narrowOnly: Decl[] } {
  const of = (decls: readonly Decl[]) => {
    const m = new Map<string, string[]>();
    for (const [p, v] of decls) m.set(p, [...(m.get(p) ?? []), v]);
    return m;
  };
  const A = of(a);
  const B = of(b);
  const same = (p: string) => JSON.stringify(A.get(p)) === JSON.stringify(B.get(p));
  return {
    both: a.filter(([p]) => same(p)),
    wideOnly: a.filter(([p]) => !same(p)),
    narrowOnly: b.filter(([p]) => !same(p)),
  };
}

export interface AlignStep<T> {
  wide?: T;
  narrow?: T;
}

/**
 * Two sequences aligned in order (Needleman–Wunsch with free gaps): the pairs, each at least
 * SAME_ELEMENT alike, whose similarities add up to the most; the rest stand alone, in order.
 */
export function align<T>(a: readonly T[], b: readonly T[], similarity: (x: T, y: T) => number): AlignStep<T>[] {
  const n = a.length;
  const m = b.length;
  const sim = a.map((x) => b.map((y) => similarity(x, y)));
  const best = Array.from({ length: n + 1 }, () => new Float64Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const s = sim[i]![j]!;
      best[i]![j] = Math.max(best[i + 1]![j]!, best[i]![j + 1]!, s >= SAME_ELEMENT ? s + best[i + 1]![j + 1]! : 0);
    }
  }
  const steps: AlignStep<T>[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    const s = sim[i]![j]!;
    if (s >= SAME_ELEMENT && best[i]![j] === s + best[i + 1]![j + 1]!) steps.push({ wide: a[i++], narrow: b[j++] });
    else if (best[i]![j] === best[i + 1]![j]) steps.push({ wide: a[i++] });
    else steps.push({ narrow: b[j++] });
  }
  while (i < n) steps.push({ wide: a[i++] });
  while (j < m) steps.push({ narrow: b[j++] });
  return steps;
}
