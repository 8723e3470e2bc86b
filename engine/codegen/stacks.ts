// The stacks the generators write. Named here, under everything that offers a choice of them (the
// API contract and the app, the CLI), so they all offer the same list; nothing to import, as the
// contract goes into the app's bundle.
export const STACK_NAMES = ['html-css', 'html-tailwind', 'react-tailwind'] as const;
export type Stack = (typeof STACK_NAMES)[number];
