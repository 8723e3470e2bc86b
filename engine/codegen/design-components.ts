// Design components (a Figma component's instances, its variants) as React components with
// props. The instances of one component must be one element tree; what differs between them
// becomes props: text, pictures and content attributes as strings (named after the design's
// text properties where they match), classes that follow a variant as a lookup by that
// variant's value, and the root's place in its parent as `className`, given by each use.
// Instances that differ in anything else are written out as they are.
import { SlotBuilder, elementJsx, jsxProp, pascal, propCase, shapeOf, type ClassSlot, type JsxContext, type Slots } from './react.ts';
import type { Element } from './tree.ts';

export interface DesignComponent {
  name: string;
  template: Element;
  slots: Map<Element, Slots>;
  /** Props in order with their TypeScript types. */
  props: Array<{ name: string; type: string }>;
  /** Whether uses pass `className` (the root's place). */
  takesClassName: boolean;
}

type PropValue = string | boolean;

/** Every element's depth under `root`, for making inner components before outer ones. */
function depths(root: Element): Map<Element, number> {
  const out = new Map<Element, number>();
  const visit = (el: Element, d: number) => {
    out.set(el, d);
    el.children.forEach((c) => visit(c, d + 1));
  };
  visit(root, 0);
  return out;
}

/** What must be the same in every instance: the shape without classes (which may follow variants or placement). */
const structureOf = (el: Element, calls: ReadonlyMap<Element, string>) => shapeOf(el, () => '', calls);

const tokens = (cls: string) => cls.split(' ').filter(Boolean);

/** Splits per-instance class strings into the classes all share and the rest of each. */
function commonAndRest(classes: string[]): { fixed: string; rest: string[] } {
  const sets = classes.map((c) => new Set(tokens(c)));
  const fixed = tokens(classes[0]!).filter((t) => sets.every((s) => s.has(t)));
  const shared = new Set(fixed);
  return { fixed: fixed.join(' '), rest: classes.map((c) => tokens(c).filter((t) => !shared.has(t)).join(' ')) };
}

/** The first prop whose value alone decides `rest` in every instance. */
function decidingProp(rest: string[], props: Array<Record<string, PropValue>>): ClassSlot['choice'] {
  for (const key of Object.keys(props[0] ?? {})) {
    const byValue = new Map<PropValue, string>();
    const decides = rest.every((r, i) => {
      const v = props[i]![key];
      if (v === undefined) return false;
      const seen = byValue.get(v);
      byValue.set(v, r);
      return seen === undefined || seen === r;
    });
    if (decides && byValue.size > 1) return { prop: key, byValue };
  }
  return undefined;
}

class ComponentBuilder {
  private readonly b: SlotBuilder;
  /** Design prop name → the component's prop name, for the props classes follow. */
  private readonly variantProps = new Map<string, string>();
  takesClassName = false;
  /** The caller's classes per instance, where the root's place differs. */
  readonly callerClasses: string[];

  constructor(
    private readonly instances: Element[],
    private readonly ctx: JsxContext,
  ) {
    this.b = new SlotBuilder(instances.length);
    this.callerClasses = instances.map(() => '');
  }

  private get designProps() {
    return this.instances.map((el) => el.component!.props);
  }

  /** Walks the template and every instance in step; false where a difference has no prop to carry it. */
  visit(t: Element, same: Element[], root: boolean): boolean {
    if (!root && this.ctx.calls?.has(t)) return true;
    const textProps = Object.entries(this.designProps[0]!).filter(([, v]) => typeof v === 'string');
    this.b.content(t, same, this.ctx.importOf, {
      textProp: (line) => {
        const [key] = textProps.find(([k, v]) => v === t.text![line] && same.every((e, i) => this.designProps[i]![k] === e.text![line])) ?? [];
        return key === undefined ? undefined : propCase(key);
      },
    });
    const slot = this.classSlot(t, same, root);
    if (slot === false) return false;
    if (slot) {
      if (t.svg !== undefined) return false;
      this.b.slotOf(t).classes = slot;
    }
    return t.children.every((c, k) => this.visit(c, same.map((e) => e.children[k]!), false));
  }

  private classSlot(t: Element, same: Element[], root: boolean): ClassSlot | undefined | false {
    const parts = same.map((e) => this.ctx.splitClassOf(e));
    const draw = root ? parts.map((p) => p.draw) : same.map((e) => this.ctx.classOf(e));
    const place = root ? parts.map((p) => p.place) : [];
    const placeDiffers = place.some((p) => p !== place[0]);
    const drawDiffers = draw.some((d) => d !== draw[0]);
    if (!placeDiffers && !drawDiffers) return undefined;
    const { fixed, rest } = drawDiffers ? commonAndRest(draw) : { fixed: draw[0]!, rest: [] };
    const slot: ClassSlot = { fixed: [placeDiffers ? '' : place[0], fixed].filter(Boolean).join(' ') };
    if (drawDiffers) {
      const choice = decidingProp(rest, this.designProps);
      if (choice) {
        slot.choice = { prop: this.variantProp(choice.prop), byValue: choice.byValue };
      } else if (root) {
        rest.forEach((r, i) => (this.callerClasses[i] = r));
        slot.fromCaller = true;
      } else return false;
    }
    if (placeDiffers) {
      place.forEach((p, i) => (this.callerClasses[i] = [p, this.callerClasses[i]].filter(Boolean).join(' ')));
      slot.fromCaller = true;
    }
    if (slot.fromCaller) this.takesClassName = true;
    return slot;
  }

  private variantProp(designName: string): string {
    let name = this.variantProps.get(designName);
    if (!name) this.variantProps.set(designName, (name = this.b.prop(propCase(designName))));
    return name;
  }

  /** The component's props with types, and each instance's call. */
  finish(name: string): { component: Omit<DesignComponent, 'template'>; calls: string[] } {
    const types = new Map<string, string>();
    for (const [design, prop] of this.variantProps) {
      const values = [...new Set(this.designProps.map((p) => p[design]!))];
      types.set(prop, values.every((v) => typeof v === 'boolean') ? 'boolean' : values.map((v) => JSON.stringify(String(v))).join(' | '));
    }
    const props = this.b.props.map((p) => ({ name: p, type: types.get(p) ?? 'string' }));
    const calls = this.instances.map((_, i) => {
      const attrs: string[] = [];
      for (const p of this.b.props) {
        const design = [...this.variantProps].find(([, v]) => v === p)?.[0];
        const value = design !== undefined ? this.designProps[i]![design]! : undefined;
        if (value === false) continue;
        attrs.push(jsxProp(p, value === undefined ? this.b.rows[i]!.get(p)! : typeof value === 'boolean' ? 'true' : JSON.stringify(value)));
      }
      if (this.callerClasses[i]) attrs.push(jsxProp('className', JSON.stringify(this.callerClasses[i])));
      return `<${name}${attrs.length ? ' ' + attrs.join(' ') : ''} />`;
    });
    return { component: { name, slots: this.b.slots, props, takesClassName: this.takesClassName }, calls };
  }
}

/**
 * The design components under `root` (innermost first), with `ctx.calls` filled with every
 * instance's call. Component names are made distinct from `taken`.
 */
export function designComponents(root: Element, ctx: JsxContext, taken: Set<string>): DesignComponent[] {
  const depth = depths(root);
  const groups = new Map<string, Element[]>();
  for (const [el] of depth) if (el.component && el.svg === undefined) groups.set(el.component.name, [...(groups.get(el.component.name) ?? []), el]);
  const calls = (ctx.calls ??= new Map());
  const made: DesignComponent[] = [];
  const deepest = (els: Element[]) => Math.max(...els.map((e) => depth.get(e)!));
  for (const [designName, instances] of [...groups].sort((a, b) => deepest(b[1]) - deepest(a[1]))) {
    // An instance inside another instance of the same component is left as it is.
    const outer = instances.filter((el) => !instances.some((o) => o !== el && contains(o, el)));
    const shape = structureOf(outer[0]!, calls);
    if (outer.some((el) => structureOf(el, calls) !== shape)) continue;
    const builder = new ComponentBuilder(outer, ctx);
    if (!builder.visit(outer[0]!, outer, true)) continue;
    let name = pascal(designName);
    if (!/^[A-Z]/.test(name)) name = `Component${name}`;
    for (let i = 2; taken.has(name); i++) name = `${pascal(designName)}${i}`;
    taken.add(name);
    const { component, calls: own } = builder.finish(name);
    made.push({ ...component, template: outer[0]! });
    outer.forEach((el, i) => calls.set(el, own[i]!));
  }
  return made;
}

/** The component and its props type, as module-level code. */
export function designComponentSource(c: DesignComponent, ctx: JsxContext): string {
  // Inside its own template the root is drawn, not called.
  const calls = new Map(ctx.calls);
  calls.delete(c.template);
  const body = elementJsx(c.template, { ...ctx, slots: c.slots, calls });
  const names = [...c.props.map((p) => p.name), ...(c.takesClassName ? ["className = ''"] : [])];
  if (names.length === 0) return `function ${c.name}() {\n  return (\n${body}\n  );\n}`;
  const fields = [...c.props.map((p) => `${p.name}: ${p.type}`), ...(c.takesClassName ? ['className?: string'] : [])];
  return [
    `type ${c.name}Props = { ${fields.join('; ')} };`,
    `function ${c.name}({ ${names.join(', ')} }: ${c.name}Props) {\n  return (\n${body}\n  );\n}`,
  ].join('\n\n');
}

function contains(outer: Element, el: Element): boolean {
  return outer.children.some((c) => c === el || contains(c, el));
}
