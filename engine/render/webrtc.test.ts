// Rendered code is untrusted, and WebRTC goes around the pool's request routing and the
// resolver rule: a page can send STUN or TURN packets to any address it names by number. The
// browser as Loupe starts it sends none; the same browser without the policy flag does, to a
// listener on loopback, so the listener hears what it is sent.
// Not covered by the flag: TURN over TCP still opens a connection (there is no Chromium switch
// that turns peer connections off); see the README's note on previews.
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS, findChromium } from './browser.ts';
import { RenderPool } from './pool.ts';

const udp = createSocket('udp4');
const heard: number[] = [];
udp.on('message', (message) => heard.push(message.length));
await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
after(() => udp.close());

/** Code that asks for ICE candidates from a STUN and a TURN server at the listener, and waits until gathering ends. */
const hostile = `<!doctype html><p>preview</p><script>
  const pc = new RTCPeerConnection({ iceServers: [{ urls: 'stun:127.0.0.1:${udp.address().port}' }, { urls: 'turn:127.0.0.1:${udp.address().port}?transport=udp', username: 'u', credential: 'p' }] });
  pc.createDataChannel('out');
  window.gathered = new Promise((done) => { pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && done(); setTimeout(done, 3000); });
  pc.createOffer().then((offer) => pc.setLocalDescription(offer));
</script>`;

test('code rendered by the pool sends no WebRTC packet', async () => {
  const pool = new RenderPool(1);
  try {
    await pool.withPage(hostile, { width: 400, height: 300 }, (page) => page.evaluate('window.gathered'));
  } finally {
    await pool.close();
  }
  assert.deepEqual(heard, []);
});

test('without the policy flag the same code reaches the listener', async () => {
  const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_FLAGS.filter((f) => !f.startsWith('--webrtc-ip-handling-policy')), headless: true });
  try {
    const page = await browser.newPage();
    await page.setContent(hostile);
    await page.evaluate('window.gathered');
  } finally {
    await browser.close();
  }
  assert.ok(heard.length > 0);
});
