/**
 * Runs `work` every `intervalMs`, one run at a time (a run never overlaps the previous one), until stopped.
 * `kick()` starts the next run now instead of at the next interval. `stop()` resolves once the run in progress
 * has finished, so the app can close its database pool and producer after it.
 */
export class PollingLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private kicked = false;

  constructor(
    private readonly intervalMs: number,
    private readonly work: () => Promise<void>,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Runs again as soon as the current run (if any) is over. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.kicked = true;
      return;
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), delayMs);
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    if (this.stopped || this.running) return;
    this.kicked = false;
    this.running = this.work();
    try {
      await this.running;
    } finally {
      this.running = undefined;
      if (!this.stopped) this.schedule(this.kicked ? 0 : this.intervalMs);
    }
  }
}
