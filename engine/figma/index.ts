// Figma import: Figma REST JSON (an API response, a file, or the plugin's node export) → Design IR.
export { figmaToDesign, type FigmaImport, type FigmaImportOptions } from './convert.ts';
export { parseVariables, type VariableNames } from './variables.ts';
