// The small script the app's preview carries (next to the source marks of source-marks.ts): a
// click on an element tells the app which code made it, and the app's editor cursor, sent back,
// outlines the element it is in. It only talks to the frame's parent by postMessage; the
// messages' shapes are PreviewPick and PreviewCursor (preview-messages.ts). The script itself is
// page/picking.ts.
import { pageScript } from '../render/page-script.ts';
import { scriptTag } from './preview.ts';
import { SOURCE_MARK_ATTR } from './source-marks.ts';

const PICKING = new URL('./page/picking.ts', import.meta.url);

/** The document with the picking script as the body's last script (it waits for nothing). */
export async function withPickingScript(html: string): Promise<string> {
  const tag = scriptTag(await pageScript(PICKING, SOURCE_MARK_ATTR));
  return /<\/body>/i.test(html) ? html.replace(/<\/body>(?![\s\S]*<\/body>)/i, () => `${tag}\n</body>`) : html + tag;
}
