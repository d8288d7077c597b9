/**
 * The relayer key's nonces, managed locally per destination chain so that several relay transactions can be signed
 * and in flight at once: the node's pending transaction count is read once, then every signature takes the next
 * number. `resync` (after a nonce error, a refused broadcast, a dropped or long-unmined transaction) forgets the
 * local count, so the next `take` reads the node again. Callers serialise the signing of one chain (the relayer's
 * per-chain send queue); `take` is also safe when called concurrently (one read, distinct numbers).
 *
 * @example
 * const nonces = new NonceManager((chainId) => chains.pendingNonce(chainId));
 * const n = await nonces.take(502n); // 7 (read), then 8, 9, ... without reading again
 * nonces.giveBack(502n, n);          // n was never broadcast: the next take returns it again
 */
export class NonceManager {
  private readonly next = new Map<bigint, number>();
  private readonly reading = new Map<bigint, Promise<number>>();
  private readonly generation = new Map<bigint, number>();

  constructor(private readonly read: (chainId: bigint) => Promise<number>) {}

  /** Reserves the next nonce of `chainId` (reads the node's pending count the first time and after a resync). */
  async take(chainId: bigint): Promise<number> {
    for (;;) {
      const known = this.next.get(chainId);
      if (known !== undefined) {
        this.next.set(chainId, known + 1);
        return known;
      }
      const generation = this.generation.get(chainId) ?? 0;
      let reading = this.reading.get(chainId);
      if (!reading) {
        reading = this.read(chainId);
        this.reading.set(chainId, reading);
      }
      let value: number;
      try {
        value = await reading;
      } finally {
        if (this.reading.get(chainId) === reading) this.reading.delete(chainId);
      }
      // A resync while the read was in flight makes its answer stale: read again.
      if ((this.generation.get(chainId) ?? 0) !== generation) continue;
      if (!this.next.has(chainId)) this.next.set(chainId, value);
    }
  }

  /**
   * Returns `nonce` when nothing was broadcast with it (e.g. its transaction could not be recorded), if it is the
   * last one taken; otherwise a gap would remain, so the count is resynced instead.
   */
  giveBack(chainId: bigint, nonce: number): void {
    if (this.next.get(chainId) === nonce + 1) this.next.set(chainId, nonce);
    else this.resync(chainId);
  }

  /** Forgets the local count of `chainId`: the next `take` reads the node. */
  resync(chainId: bigint): void {
    this.next.delete(chainId);
    this.reading.delete(chainId);
    this.generation.set(chainId, (this.generation.get(chainId) ?? 0) + 1);
  }

  /** The nonce the next `take` returns without reading, if known (for logs and tests). */
  peek(chainId: bigint): number | undefined {
    return this.next.get(chainId);
  }
}
