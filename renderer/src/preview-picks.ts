// What the preview frame may tell the app: a pick (a click on an element, as its source range).
// The preview is untrusted code in an opaque origin: only messages from the app's own frame, in
// the contract's shape, are taken.
import { PreviewPick } from '../../engine/api/contract.ts';

/** The part of a MessageEvent looked at. */
interface Message {
  source: unknown;
  origin: string;
  data: unknown;
}

/** A pick from the preview frame showing `frame`, or undefined for any other message. */
export function readPick(message: Message, frame: unknown): PreviewPick | undefined {
  // A sandboxed frame without allow-same-origin has the opaque origin, serialised as 'null'.
  if (!frame || message.source !== frame || message.origin !== 'null') return undefined;
  const pick = PreviewPick.safeParse(message.data);
  return pick.success && pick.data.start <= pick.data.end ? pick.data : undefined;
}
