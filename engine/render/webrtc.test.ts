// Rendered code is untrusted, and WebRTC goes around the pool's request routing and the
// resolver rule: a page can send STUN or TURN packets to any address it names by number, over
// UDP or TCP. The browser as the render pool starts it sends none, to listeners on loopback; the
// same browser without the UDP policy flag, or without the pool's proxy, reaches them, so the
// listeners hear what they are sent.
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS, findChromium } from './browser.ts';
import { RenderPool } from './pool.ts';

const udp = createSocket('udp4');
const heard: number[] = [];
udp.on('message', (message) => heard.push(message.length));
await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));

const tcp = createServer((socket) => {
  connected.push(socket.remoteAddress ?? '');
  socket.destroy();
});
const connected: string[] = [];
await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
after(() => {
  udp.close();
  tcp.close();
});
const tcpPort = (tcp.address() as { port: number }).port;

/** Code that asks for ICE candidates from a STUN server and TURN servers (UDP, TCP, TLS) at the listeners, and waits until gathering ends. */
const hostile = `<!doctype html><p>preview</p><script>
  const port = ${udp.address().port}, tcp = ${tcpPort};
  const pc = new RTCPeerConnection({ iceServers: [
    { urls: 'stun:127.0.0.1:' + port },
    { urls: 'turn:127.0.0.1:' + port + '?transport=udp', username: 'u', credential: 'p' },
    { urls: ['turn:127.0.0.1:' + tcp + '?transport=tcp', 'turns:127.0.0.1:' + tcp + '?transport=tcp'], username: 'u', credential: 'p' },
  ] });
  pc.createDataChannel('out');
  window.gathered = new Promise((done) => { pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && done(); setTimeout(done, 3000); });
  pc.createOffer().then((offer) => pc.setLocalDescription(offer));
</script>`;

const reset = () => {
  heard.length = 0;
  connected.length = 0;
};

test('code rendered by the pool sends no WebRTC packet and opens no connection', async () => {
  reset();
  const pool = new RenderPool(1);
  try {
    await pool.withPage(hostile, { width: 400, height: 300 }, (page) => page.evaluate('window.gathered'));
  } finally {
    await pool.close();
  }
  assert.deepEqual(heard, []);
  assert.deepEqual(connected, []);
});

test('without the policy flag or the proxy, the same code reaches the listeners', async () => {
  reset();
  const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_FLAGS.filter((f) => !f.startsWith('--webrtc-ip-handling-policy')), headless: true });
  try {
    const page = await browser.newPage();
    await page.setContent(hostile);
    await page.evaluate('window.gathered');
  } finally {
    await browser.close();
  }
  assert.ok(heard.length > 0, 'UDP');
  assert.ok(connected.length > 0, 'TCP');
});
