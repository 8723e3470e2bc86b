// Which frames speak for the app: only the window's top frame showing one of the app's own files
// from loupe://app/. Previews are served from loupe://app/artifacts/ too, but inside a sandboxed
// frame, and run generated or edited code: they, and any frame that got elsewhere, are refused
// the app's IPC channels and its permissions.
import { routeAppUrl } from './app-protocol.ts';

/** What Electron tells of a frame: its last URL and whether it is the window's top frame. */
export interface FrameFacts {
  url: string;
  isMainFrame: boolean;
}

export function isAppFrame(frame: FrameFacts): boolean {
  return frame.isMainFrame && routeAppUrl(frame.url).kind === 'file';
}

/** An IPC event as the handler sees it: `senderFrame` is null when the frame has gone or navigated away. */
export interface IpcSender {
  senderFrame: { url: string; parent: unknown } | null;
}

export class ForeignFrameError extends Error {
  constructor(url: string | undefined) {
    super(`Refused: only the app's own page may call the app (the call came from ${url ?? 'a frame that has gone'}).`);
  }
}

/** An IPC handler that answers only the app's top frame; any other sender gets ForeignFrameError. */
export function fromAppFrame<Args extends unknown[], Result>(handle: (...args: Args) => Result): (event: IpcSender, ...args: Args) => Result {
  return (event, ...args) => {
    const frame = event.senderFrame;
    if (!frame || !isAppFrame({ url: frame.url, isMainFrame: frame.parent === null })) throw new ForeignFrameError(frame?.url);
    return handle(...args);
  };
}
