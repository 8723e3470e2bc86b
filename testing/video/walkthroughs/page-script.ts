// What the recorder adds to every page it visits.
import { pageScript } from '../../../engine/render/page-script.ts';

/**
 * Frames are taken on a virtual timeline, so anything that moves on the wall clock (CSS
 * transitions and animations, smooth scrolling, a blinking caret) would make a frame depend on
 * how slow the machine was. Pages show their end states instead.
 */
export const STILL_STYLE =
  '*,*::before,*::after{transition:none!important;animation:none!important;caret-color:transparent!important}html,body{scroll-behavior:auto!important}';

/** Installed before any page script: `window.__walkthrough` (page-api.ts). */
export const walkthroughScript = () => pageScript(new URL('./page/walkthrough.ts', import.meta.url));
