// Messages between the plugin's main code (Figma's sandbox: the document, no network) and its
// UI iframe (the network, no document).

/** One frame as the main code exported it. */
export interface ExportedFrame {
  name: string;
  /** `exportAsync({ format: 'JSON_REST_V1' })`: the node as Figma's REST API would return it. */
  document: Record<string, unknown>;
  /** `exportAsync({ format: 'PNG', constraint: { type: 'SCALE', value: 2 } })`. */
  png: Uint8Array;
  /** The variables the frame's layers are bound to, by id, as GET /v1/files/:key/variables/local lists them. */
  variables: Record<string, BoundVariable>;
}

export interface BoundVariable {
  id: string;
  name: string;
  resolvedType: string;
}

/** The ids of the variables a REST-shaped node tree is bound to (`{ type: 'VARIABLE_ALIAS', id }` anywhere in it). */
export function boundVariableIds(json: unknown): string[] {
  const ids = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === 'object' && v !== null) {
      const o = v as Record<string, unknown>;
      if (o.type === 'VARIABLE_ALIAS' && typeof o.id === 'string') ids.add(o.id);
      else Object.values(o).forEach(visit);
    }
  };
  visit(json);
  return [...ids];
}

export type MainToUi =
  | { type: 'selection'; names: string[] }
  | { type: 'frame'; frame: ExportedFrame }
  | { type: 'export-failed'; name: string; message: string }
  | { type: 'export-done' };

export type UiToMain = { type: 'export' };

/** What the UI accepts from the main code: only these shapes. */
export function isMainToUi(message: unknown): message is MainToUi {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Record<string, unknown>;
  switch (m.type) {
    case 'selection':
      return Array.isArray(m.names) && m.names.every((n) => typeof n === 'string');
    case 'frame': {
      const f = m.frame as Record<string, unknown> | undefined;
      return (
        typeof f?.name === 'string' &&
        typeof f.document === 'object' &&
        f.document !== null &&
        f.png instanceof Uint8Array &&
        typeof f.variables === 'object' &&
        f.variables !== null
      );
    }
    case 'export-failed':
      return typeof m.name === 'string' && typeof m.message === 'string';
    case 'export-done':
      return true;
    default:
      return false;
  }
}

/** Frame-like layers that make a page: what the plugin sends. */
export const SENDABLE_TYPES = new Set(['FRAME', 'COMPONENT', 'COMPONENT_SET', 'INSTANCE', 'SECTION', 'GROUP']);
