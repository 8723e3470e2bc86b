// Pairing the Figma plugin with this engine: the app shows a short code, the user types it into
// the plugin, and the plugin gets a token it sends with every frame. The code is short, so it
// expires, is compared in constant time, and dies after a few wrong guesses.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { FigmaBridgeState } from '../api/contract.ts';

const CODE_LIFETIME_MS = 10 * 60 * 1000;
const WRONG_GUESSES_PER_CODE = 5;

/** Equal-length digests, so the comparison's time says nothing about where the inputs differ. */
const digest = (text: string) => createHash('sha256').update(text).digest();
const sameSecret = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

export class FigmaPairing {
  private code = '';
  private expiresAt = 0;
  private wrongGuesses = 0;
  private readonly tokens = new Set<string>();
  private bridge: Pick<FigmaBridgeState, 'url' | 'problem'> = {};

  constructor(private readonly now: () => number = Date.now) {
    this.newCode();
  }

  newCode(): void {
    this.code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    this.expiresAt = this.now() + CODE_LIFETIME_MS;
    this.wrongGuesses = 0;
  }

  /** The code, if right and fresh, for a new token (the code is then used up); else why not. */
  pair(code: string): { token: string } | { refused: string } {
    const valid = this.now() < this.expiresAt && this.wrongGuesses < WRONG_GUESSES_PER_CODE;
    // Compared even when the code is no longer valid, so expiry is not told apart by timing.
    if (!sameSecret(code, this.code) || !valid) {
      this.wrongGuesses++;
      return {
        refused: this.wrongGuesses <= WRONG_GUESSES_PER_CODE
          ? 'Wrong or expired pairing code. Type the code Loupe shows in its Figma panel (get a new one there if it expired).'
          : 'Too many wrong pairing codes. Get a new code in Loupe (Figma panel → New code) and type it.',
      };
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
