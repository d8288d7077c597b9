import { NonceManager } from './nonceManager';

/** A node's pending transaction count per chain, counting how often it was read. */
function node(start: Record<string, number>) {
  const pending = new Map(Object.entries(start).map(([k, v]) => [BigInt(k), v]));
  const reads: bigint[] = [];
  let gate: Promise<void> | undefined;
  return {
    pending,
    reads,
    hold(): () => void {
      let open!: () => void;
      gate = new Promise((r) => (open = r));
      return open;
    },
    read: async (chainId: bigint) => {
      reads.push(chainId);
      const value = pending.get(chainId) ?? 0;
      if (gate) await gate;
      return value;
    },
  };
}

describe('NonceManager', () => {
  it('reads the node once per chain, then counts locally', async () => {
    const n = node({ 501: 7, 502: 0 });
    const nonces = new NonceManager(n.read);
    expect([await nonces.take(501n), await nonces.take(501n), await nonces.take(501n)]).toEqual([7, 8, 9]);
    expect(await nonces.take(502n)).toBe(0);
    expect(n.reads).toEqual([501n, 502n]);
    expect(nonces.peek(501n)).toBe(10);
  });

  it('hands out distinct nonces to concurrent takers with a single read', async () => {
    const n = node({ 501: 3 });
    const nonces = new NonceManager(n.read);
    const taken = await Promise.all(Array.from({ length: 5 }, () => nonces.take(501n)));
    expect([...taken].sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7]);
    expect(n.reads).toEqual([501n]);
  });

  it('reads again after a resync (a nonce error, a refused broadcast)', async () => {
    const n = node({ 501: 5 });
    const nonces = new NonceManager(n.read);
    await nonces.take(501n);
    await nonces.take(501n);
    // Another sender used the key meanwhile: the node is at 9.
    n.pending.set(501n, 9);
    nonces.resync(501n);
    expect(nonces.peek(501n)).toBeUndefined();
    expect(await nonces.take(501n)).toBe(9);
    expect(n.reads).toEqual([501n, 501n]);
  });

  it('discards a read that was in flight when a resync happened', async () => {
    const n = node({ 501: 1 });
    const nonces = new NonceManager(n.read);
    const open = n.hold();
    const first = nonces.take(501n);
    await Promise.resolve();
    n.pending.set(501n, 4);
    nonces.resync(501n);
    open();
    expect(await first).toBe(4);
    expect(n.reads).toHaveLength(2);
  });

  it('takes back the last nonce when nothing was sent with it, and resyncs rather than leave a gap', async () => {
    const n = node({ 501: 10 });
    const nonces = new NonceManager(n.read);
    const a = await nonces.take(501n);
    nonces.giveBack(501n, a);
    expect(await nonces.take(501n)).toBe(10);
    const b = await nonces.take(501n); // 11
    await nonces.take(501n); // 12: b is no longer the last one
    nonces.giveBack(501n, b);
    expect(nonces.peek(501n)).toBeUndefined();
    n.pending.set(501n, 11);
    expect(await nonces.take(501n)).toBe(11);
  });

  it('propagates a failed read and reads again on the next take', async () => {
    let fail = true;
    const nonces = new NonceManager(() =>
      fail ? Promise.reject(new Error('connection refused')) : Promise.resolve(2),
    );
    await expect(nonces.take(501n)).rejects.toThrow('connection refused');
    fail = false;
    expect(await nonces.take(501n)).toBe(2);
  });
});
