// One engine, one generation at a time: the model's weights and KV cache are one per engine, so
// requests take turns. A few may wait; a request beyond them is refused at once rather than left
// to wait behind an unknown amount of work, so a client can back off and try again.

/** A place in the queue: `ready` settles when it is this request's turn; `release` gives the place up, whether it came or not. */
export interface QueueTicket {
  readonly ready: Promise<void>;
  release(): void;
}

/** Requests that may wait while one generates, unless told. */
export const DEFAULT_QUEUE = 4;

export class GenerationQueue {
  private running: QueueTicket | undefined;
  private readonly waiting: Array<{ ticket: QueueTicket; start: () => void }> = [];

  /** `capacity`: how many may wait while one generates. */
  constructor(readonly capacity: number) {}

  /** A place in the queue, or undefined when `capacity` requests are already waiting. */
  enter(): QueueTicket | undefined {
    if (this.running && this.waiting.length >= this.capacity) return undefined;
    let start!: () => void;
    const ready = new Promise<void>((resolve) => (start = resolve));
    let released = false;
    const ticket: QueueTicket = {
      ready,
      release: () => {
        if (released) return;
        released = true;
        if (this.running === ticket) return this.next();
        const at = this.waiting.findIndex((w) => w.ticket === ticket);
        if (at >= 0) this.waiting.splice(at, 1);
      },
    };
    if (this.running) this.waiting.push({ ticket, start });
    else {
      this.running = ticket;
      start();
    }
    return ticket;
  }

  private next(): void {
    const head = this.waiting.shift();
    this.running = head?.ticket;
    head?.start();
  }
}
