// The messages between a preview and the app that shows it: the preview's picking script
// (page/picking.ts) posts a pick, the app posts the editor's cursor. The API contract carries
// them to the app; they are declared here, beside the script, so the page code stays in its layer.
import { z } from 'zod';

/**
 * Messages between the app and its preview frame (postMessage). The preview runs untrusted code:
 * the app takes a message only from its own frame and in this shape, and does no more with it
 * than select code. Offsets count UTF-16 code units of the file's text, as editors do.
 */
export const PreviewPick = z.object({ loupe: z.literal('pick'), path: z.string(), start: z.number().int().nonnegative(), end: z.number().int().nonnegative() });
/** The editor's cursor, for the preview to outline the element it is in. */
export const PreviewCursor = z.object({ loupe: z.literal('cursor'), path: z.string(), offset: z.number().int().nonnegative() });

export type PreviewPick = z.infer<typeof PreviewPick>;
export type PreviewCursor = z.infer<typeof PreviewCursor>;
