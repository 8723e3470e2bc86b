// A proxy that goes nowhere, for the browser that renders untrusted code. WebRTC opens its own
// connections, past the pages' request routing and the resolver rule: the UDP policy flag stops
// STUN and TURN over UDP, but a TURN server over TCP named by its address is still dialled, and
// no Chromium switch turns peer connections off. With a proxy set and loopback not exempt, Chromium
// sends those connections (and its own services' attempts) to the proxy instead: here, a loopback
// port of this process that closes every connection as it comes.
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

/** Chromium flags that route every connection it makes to the closing port. */
export async function noWayOutFlags(): Promise<string[]> {
  sink ??= listen().catch((error: unknown) => {
    sink = undefined;
    throw error;
  });
  return [`--proxy-server=http://127.0.0.1:${await sink}`, '--proxy-bypass-list=<-loopback>'];
}
