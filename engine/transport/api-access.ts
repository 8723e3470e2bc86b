// Who may use web mode's server: the app's own pages, in a browser the user opened with the
// address `loupe serve` printed. That address carries a key made at launch; opening it sets the
// key as an HttpOnly, SameSite=Strict cookie, which the browser then sends with every call of
// the app's pages and with the event stream. Another local process does not know the key. A page
// on another site, or on another port of this machine (the same site, so the cookie would go
// along), is told apart by what the browser says the request came from: `Sec-Fetch-Site` and
// `Origin`, which a page's script cannot set.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface Refusal {
  status: 401 | 403;
  code: string;
  message: string;
}

const NO_KEY: Refusal = {
  status: 401,
  code: 'AUTH_MISSING',
  message: 'Open Loupe with the address `loupe serve` printed: it carries the key of this launch (a restart makes a new one).',
};
const CROSS_SITE: Refusal = { status: 403, code: 'FORBIDDEN', message: 'The engine answers only the Loupe app\'s own pages.' };

/** Equal-length digests, so the comparison's time says nothing about where the inputs differ. */
const digest = (text: string) => createHash('sha256').update(text).digest();

export class ApiAccess {
  /** The secret of this launch; never stored. */
  readonly key = randomBytes(32).toString('base64url');
  /** Cookies are shared by every port of a host: the name keeps two Loupes on one machine apart. */
  private readonly cookieName: string;

  constructor(port: number) {
    this.cookieName = `loupe-key-${port}`;
  }

  /** The cookie as a browser sends it back. */
  requestCookie(): string {
    return `${this.cookieName}=${this.key}`;
  }

  /** The cookie that the address with the key sets: out of scripts' reach, never sent by another site's pages. */
  setCookie(): string {
    return `${this.requestCookie()}; HttpOnly; SameSite=Strict; Path=/`;
  }

  /** Whether `key` (from an address's query) is this launch's. */
  isKey(key: string): boolean {
    return timingSafeEqual(digest(key), digest(this.key));
  }

  /** Why the request is refused, if it is: it comes from another site or port, or lacks the key. */
  refusal(req: IncomingMessage): Refusal | undefined {
    return crossSite(req) ? CROSS_SITE : this.isKey(cookieValue(req.headers.cookie, this.cookieName) ?? '') ? undefined : NO_KEY;
  }
}

/**
 * A browser names where a request came from: `Sec-Fetch-Site` (the app's own pages say
 * `same-origin`; an address the user typed or clicked, `none`) and, on every POST and every
 * cross-origin request, `Origin`. A POST must name this server itself, as its Host says (which is
 * a loopback name, checked before).
 */
function crossSite(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const origin = req.headers.origin;
  if (origin === undefined) return req.method !== 'GET' && req.method !== 'HEAD';
  return origin !== `http://${req.headers.host}`;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}
