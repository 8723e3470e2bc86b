// Figma variables → the IR's design variables. A node's JSON names only the variable's id
// (`boundVariables`); its name comes from the file's variables (GET /v1/files/:key/variables/local,
// or what the plugin reads in Figma). Colour variables become `color-…` custom properties, which
// the Tailwind stack turns into theme colours (`bg-brand-primary`).
import type { LocalVariable, VariableAlias } from '@figma/rest-api-spec';
import { LoupeError } from '../errors.ts';
import type { Color } from '../ir/schema.ts';

/** Colour variables' Figma names by variable id. */
export type VariableNames = ReadonlyMap<string, string>;

/**
 * Reads a variables file: a GET /v1/files/:key/variables/local response (`meta.variables`), or
 * its `meta` alone as the plugin sends it.
 */
export function parseVariables(source: string, name: string): VariableNames {
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch (error) {
    throw new LoupeError('INPUT_CORRUPT', `${name} is not valid JSON (${(error as Error).message}). Save the variables response again.`, { cause: error });
  }
  const o = json as { meta?: { variables?: unknown }; variables?: unknown } | null;
  const variables = o?.meta?.variables ?? o?.variables;
  if (typeof variables !== 'object' || variables === null) {
    throw new LoupeError('INPUT_UNSUPPORTED', `${name} holds no Figma variables: expected a GET /v1/files/:key/variables/local response (with meta.variables).`);
  }
  const names = new Map<string, string>();
  for (const [id, v] of Object.entries(variables as Record<string, Partial<LocalVariable>>)) {
    if (v?.resolvedType === 'COLOR' && typeof v.name === 'string') names.set(id, v.name);
  }
  return names;
}

const slug = (s: string) =>
  s
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/** The design variables a conversion binds colours to, named once per Figma variable. */
export class VariableBinder {
  private readonly byId = new Map<string, string>();
  readonly declared: Record<string, Color> = {};
  private unnamed = 0;

  constructor(private readonly names: VariableNames | undefined) {}

  /**
   * The IR variable for a colour bound to a Figma variable, or undefined: when the variable's
   * name is not at hand, or the colour shown differs from the variable's (a paint's opacity).
   */
  bind(alias: VariableAlias | undefined, shown: Color, own: Color): string | undefined {
    if (!alias) return undefined;
    const figmaName = this.names?.get(alias.id);
    if (figmaName === undefined) {
      this.unnamed++;
      return undefined;
    }
    if (shown !== own) return undefined;
    let name = this.byId.get(alias.id);
    if (!name) {
      const base = `color-${slug(figmaName.replace(/^colou?rs?\//i, '')) || 'variable'}`;
      name = base;
      for (let i = 2; name in this.declared; i++) name = `${base}-${i}`;
      this.byId.set(alias.id, name);
      this.declared[name] = own;
    }
    // One variable shows one value in one frame (one mode); a paint that disagrees keeps its own colour.
    return this.declared[name] === own ? name : undefined;
  }

  /** What to tell the user when colours were bound to variables whose names were not given. */
  warning(): string | undefined {
    if (this.unnamed === 0) return undefined;
    return `${this.unnamed} colour(s) are bound to Figma variables whose names are not in the input: they are written as plain colours. Pass --variables with the file's variables (GET /v1/files/:key/variables/local) to keep them as CSS custom properties.`;
  }
}
