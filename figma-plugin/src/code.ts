// The plugin's main code, in Figma's sandbox: it reads the selection and exports each frame as
// REST JSON plus a 2× PNG, and hands them to the UI, which alone may use the network.
import { SENDABLE_TYPES, boundVariableIds, type BoundVariable, type MainToUi, type UiToMain } from './messages.ts';

figma.showUI(__html__, { width: 320, height: 380, themeColors: true });

const post = (message: MainToUi) => figma.ui.postMessage(message);
const sendable = () => figma.currentPage.selection.filter((n) => SENDABLE_TYPES.has(n.type));

const reportSelection = () => post({ type: 'selection', names: sendable().map((n) => n.name) });
figma.on('selectionchange', reportSelection);
reportSelection();

/** The names of the variables the export is bound to: the JSON carries only their ids. */
async function variablesOf(document: unknown): Promise<Record<string, BoundVariable>> {
  const out: Record<string, BoundVariable> = {};
  for (const id of boundVariableIds(document)) {
    const v = await figma.variables.getVariableByIdAsync(id);
    if (v) out[id] = { id, name: v.name, resolvedType: v.resolvedType };
  }
  return out;
}

figma.ui.onmessage = async (message: UiToMain) => {
  if (message.type !== 'export') return;
  // One frame at a time: each export is sent before the next is made, so memory stays at one frame.
  for (const node of sendable()) {
    try {
      const document = (await node.exportAsync({ format: 'JSON_REST_V1' })) as Record<string, unknown>;
      const png = await node.exportAsync({ format: 'PNG', constraint: { type: 'SCALE', value: 2 } });
      post({ type: 'frame', frame: { name: node.name, document, png, variables: await variablesOf(document) } });
    } catch (error) {
      post({ type: 'export-failed', name: node.name, message: error instanceof Error ? error.message : String(error) });
    }
  }
  post({ type: 'export-done' });
};
