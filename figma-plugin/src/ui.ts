// The plugin's UI iframe: pairing, connection state, and sending each exported frame to Loupe's
// bridge, with each frame's result as a line in a list.
import { BridgeClient, BridgeError } from './bridge-client.ts';
import { isMainToUi, type ExportedFrame, type UiToMain } from './messages.ts';

const client = new BridgeClient();
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const state = $<HTMLDivElement>('state');
const pairForm = $<HTMLFormElement>('pair-form');
const sendSection = $<HTMLElement>('send-section');
const sendButton = $<HTMLButtonElement>('send');
const results = $<HTMLUListElement>('results');
let selection: string[] = [];
// Frames are sent one after another: the engine converts one at a time anyway.
let sending: Promise<void> = Promise.resolve();

function show(kind: 'offline' | 'unpaired' | 'paired', text: string): void {
  state.dataset.state = kind;
  state.textContent = text;
  pairForm.hidden = kind !== 'unpaired';
  sendSection.hidden = kind !== 'paired';
}

async function refresh(): Promise<void> {
  const { reachable, paired } = await client.status();
  if (!reachable) show('offline', 'Loupe is not running on this computer. Open it, then this plugin again.');
  else if (!paired) show('unpaired', 'Loupe is running. Copy the code from its Figma panel here to pair.');
  else show('paired', 'Paired with Loupe.');
}

function report(name: string, status: 'sending' | 'done' | 'failed', text: string): HTMLLIElement {
  const item = document.createElement('li');
  item.dataset.status = status;
  item.textContent = `${name}: ${text}`;
  results.prepend(item);
  return item;
}

function sendFrame(frame: ExportedFrame): void {
  const item = report(frame.name, 'sending', 'queued…');
  sending = sending.then(async () => {
    item.textContent = `${frame.name}: converting…`;
    try {
      const result = await client.send(frame);
      item.dataset.status = 'done';
      item.textContent = `${frame.name}: converted, SSIM ${result.scores.ssim.toFixed(3)}${result.warnings.length ? ` (${result.warnings.length} warnings)` : ''} — open it in Loupe.`;
    } catch (error) {
      item.dataset.status = 'failed';
      item.textContent = `${frame.name}: ${(error as Error).message}`;
      if (error instanceof BridgeError && error.code === 'NOT_PAIRED') await refresh();
    }
  });
}

pairForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const code = $<HTMLInputElement>('code').value;
  client.pair(code).then(refresh, (error: Error) => show('unpaired', error.message));
});

sendButton.addEventListener('click', () => parent.postMessage({ pluginMessage: { type: 'export' } satisfies UiToMain }, '*'));

window.addEventListener('message', (e: MessageEvent) => {
  // Figma delivers the main code's messages from the parent frame, wrapped in pluginMessage.
  if (e.source !== parent) return;
  const message: unknown = (e.data as { pluginMessage?: unknown } | null)?.pluginMessage;
  if (!isMainToUi(message)) return;
  if (message.type === 'selection') {
    selection = message.names;
    sendButton.disabled = selection.length === 0;
    $<HTMLParagraphElement>('selection').textContent = selection.length ? `Selected: ${selection.join(', ')}` : 'Select one or more frames.';
  } else if (message.type === 'frame') sendFrame(message.frame);
  else if (message.type === 'export-failed') report(message.name, 'failed', `Figma could not export it: ${message.message}`);
});

void refresh();
