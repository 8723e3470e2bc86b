// Screen-recording walkthroughs with known ground truth, made on demand: what the walkthrough
// feature (video → multi-screen app) is tested and benchmarked on.
export { generateWalkthroughs, WALKTHROUGH_FPS, type GenerateOptions, type Walkthrough } from './generate.ts';
export { WALKTHROUGH_SETS, type WalkthroughSetName, type WalkthroughSpec } from './sets.ts';
export { SCREEN_DEFINITION, type ClickTruth, type ScreenTruth, type VisitTruth, type WalkthroughTruth } from './truth.ts';
