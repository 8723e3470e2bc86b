// A proxy that goes nowhere, for the browser that renders untrusted code. WebRTC opens its own
// connections, past the pages' request routing and the resolver rule: the UDP policy flag stops
// STUN and TURN over UDP, but a TURN server over TCP named by its address is still dialled, and
// no Chromium switch turns peer connections off. With a proxy set and loopback not exempt, Chromium
// sends those connections (and its own services' attempts) to the proxy instead: here, a loopback
// port of this process that closes every connection as it comes. The desktop app's window, whose
// previews run generated code and which talks to the engine over a message port rather than the
// network, gets the same proxy.
import { createServer, type Server } from 'node:net';

let sink: Promise<number> | undefined;

function listen(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server: Server = createServer((socket) => socket.destroy());
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      // It must not keep the process alive: the browser using it ends with the process.
      server.unref();
      resolve((server.address() as { port: number }).port);
    });
  });
}

/** The proxy that closes every connection, and the bypass list that leaves loopback no exemption. */
export async function noWayOut(): Promise<{ proxy: string; bypass: string }> {
  sink ??= listen().catch((error: unknown) => {
    sink = undefined;
    throw error;
  });
  return { proxy: `http://127.0.0.1:${await sink}`, bypass: '<-loopback>' };
}

/** Chromium flags that route every connection it makes to the closing port. */
export async function noWayOutFlags(): Promise<string[]> {
  const { proxy, bypass } = await noWayOut();
  return [`--proxy-server=${proxy}`, `--proxy-bypass-list=${bypass}`];
}
