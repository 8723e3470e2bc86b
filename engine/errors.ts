// Errors a user can cause carry a code and a message a person can act on. The CLI maps
// them to exit code 2; anything else is an internal error (exit 1).

export type UserErrorCode =
  | 'INPUT_NOT_FOUND'
  | 'INPUT_EMPTY'
  | 'INPUT_UNSUPPORTED'
  | 'INPUT_CORRUPT'
  | 'INPUT_TOO_LARGE'
  | 'INPUT_ANIMATED'
  | 'INVALID_IR'
  | 'INVALID_ARGUMENT'
  | 'OUTPUT_UNSAFE'
  | 'OUTPUT_EXISTS'
  | 'BROWSER_NOT_FOUND'
  | 'RENDER_TIMEOUT'
  | 'RENDER_NAVIGATED'
  | 'AUTH_MISSING'
  | 'AUTH_REJECTED'
  | 'RATE_LIMITED'
  | 'QUEUE_FULL'
  | 'SERVER_UNAVAILABLE'
  | 'SERVER_RESPONSE_INVALID'
  | 'MODEL_NOT_FOUND'
  | 'MODEL_CORRUPT'
  | 'MODEL_UNSUPPORTED'
  | 'CANCELLED';

export class LoupeError extends Error {
  override readonly name = 'LoupeError';
  constructor(
    readonly code: UserErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isLoupeError = (e: unknown): e is LoupeError => e instanceof LoupeError;
