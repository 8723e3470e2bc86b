// The engine in its own process (Electron's utility process), so conversions never freeze the
// UI and a crash of the engine does not take the app down. It serves the API on its parent port.
import type { PortRequest } from '../engine/transport/port-host.ts';
import { hostService } from '../engine/transport/port-host.ts';
import { EngineService } from '../engine/service/service.ts';
import { startFigmaBridge } from '../engine/transport/figma-bridge.ts';
import { RenderPool } from '../engine/render/pool.ts';

interface ParentPort {
  on(event: 'message', listener: (e: { data: PortRequest }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort: ParentPort }).parentPort;
const historyPath = process.env.LOUPE_HISTORY_PATH;
if (!historyPath) throw new Error('LOUPE_HISTORY_PATH is not set: the main process passes the history file.');

const service = new EngineService(new RenderPool(2), historyPath);
hostService(service, {
  post: (message) => parentPort.postMessage(message),
  onMessage: (listener) => parentPort.on('message', (e) => listener(e.data)),
});
// Without the bridge the app still works; its Figma panel says why the plugin cannot connect.
startFigmaBridge(service).catch(() => undefined);
