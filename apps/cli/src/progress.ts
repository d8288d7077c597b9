/**
 * Progress of anything that waits, on stderr (stdout stays for results). On a terminal one line is redrawn with a
 * spinner and the elapsed time; elsewhere (pipes, tests) each new state is printed once on its own line.
 */
export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private text = '';
  private frame = 0;
  private readonly started = Date.now();

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly enabled = true,
  ) {}

  private get tty(): boolean {
    return this.enabled && this.stream.isTTY === true;
  }

  /** Shows a new state; repeated identical states print nothing off a terminal. */
  update(text: string): void {
    if (!this.enabled || text === this.text) return;
    this.text = text;
    if (this.tty) {
      this.timer ??= setInterval(() => this.draw(), 100);
      this.timer.unref();
      this.draw();
    } else {
      this.stream.write(`... ${text}\n`);
    }
  }

  /** Ends the progress display, with a final line if given. */
  done(text?: string): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.tty) this.stream.write('\r\x1b[K');
    if (text !== undefined && this.enabled) this.stream.write(`${text}\n`);
  }

  private draw(): void {
    const frames = ['|', '/', '-', '\\'];
    const seconds = ((Date.now() - this.started) / 1000).toFixed(0);
    this.stream.write(`\r\x1b[K${frames[this.frame++ % frames.length]} ${this.text} (${seconds}s)`);
  }
}

/** Resolves after `ms` (for polling loops, which always have a deadline). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
