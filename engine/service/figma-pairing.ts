// Pairing the Figma plugin with this engine: the app shows a code, the user copies it into the
// plugin, and the plugin gets a token it sends with every frame. Any web page can call the bridge
// as the plugin does (Figma's plugin frames have the opaque origin `null`, which every sandboxed
// frame on any site shares), so wrong guesses cannot be counted against the code: a page would
// spend them and lock the real plugin out. The code is long enough instead that guessing is
// hopeless (10 characters of 30, about 49 bits: a million guesses a second for the code's 10
// minutes find it with a chance of about 1 in a million). It expires and is compared in constant time.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { PAIRING_CODE_LENGTH, PAIRING_CODE_LETTERS, normalizePairingCode, type FigmaBridgeState } from '../api/contract.ts';

const CODE_LIFETIME_MS = 10 * 60 * 1000;

/** Equal-length digests, so the comparison's time says nothing about where the inputs differ. */
const digest = (text: string) => createHash('sha256').update(text).digest();
const sameSecret = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

export class FigmaPairing {
  /** As the app shows it: two groups of five, easier to read and type. */
  private code = '';
  private expiresAt = 0;
  private readonly tokens = new Set<string>();
  private bridge: Pick<FigmaBridgeState, 'url' | 'problem'> = {};

  constructor(private readonly now: () => number = Date.now) {
    this.newCode();
  }

  newCode(): void {
    const letters = Array.from({ length: PAIRING_CODE_LENGTH }, () => PAIRING_CODE_LETTERS[randomInt(PAIRING_CODE_LETTERS.length)]).join('');
    this.code = `${letters.slice(0, 5)}-${letters.slice(5)}`;
    this.expiresAt = this.now() + CODE_LIFETIME_MS;
  }

  /** The code, if right and fresh, for a new token (the code is then used up); else why not. */
  pair(code: string): { token: string } | { refused: string } {
    // Compared even when the code has expired, so expiry is not told apart by timing.
    if (!sameSecret(normalizePairingCode(code), normalizePairingCode(this.code)) || this.now() >= this.expiresAt) {
      return { refused: 'Wrong or expired pairing code. Copy the code Loupe shows in its Figma panel (get a new one there if it expired).' };
    }
    this.newCode();
    const token = randomBytes(32).toString('base64url');
    this.tokens.add(token);
    return { token };
  }

  isPaired(token: string | undefined): boolean {
    if (!token) return false;
    let found = false;
    for (const t of this.tokens) found = sameSecret(t, token) || found;
    return found;
  }

  /** Where the bridge listens, or why it could not. */
  setBridge(bridge: Pick<FigmaBridgeState, 'url' | 'problem'>): void {
    this.bridge = bridge;
  }

  state(): FigmaBridgeState {
    if (this.now() >= this.expiresAt) this.newCode();
    return { ...this.bridge, code: this.code, expiresAt: this.expiresAt, paired: this.tokens.size };
  }
}
