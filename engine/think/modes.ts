// How a conversion runs. fast: one pass. think: the first pass, then repair rounds (think.ts)
// while the score improves, within a budget. Named here, under everything that offers a choice
// of them (the API contract and the app, the CLI); nothing to import, as the contract goes into
// the app's bundle.
export const MODES = ['fast', 'think'] as const;
export type Mode = (typeof MODES)[number];
