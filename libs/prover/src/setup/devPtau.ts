import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

import { buildBn128 } from 'ffjavascript';

/**
 * Identity of the dev toxic waste. Every dev ptau of this version (any power) has the same tau, alpha and beta, so a
 * zkey made from any of them is the same: this string is the "ptau identity" in zkey cache keys.
 */
export const DEV_PTAU_VERSION = 'interop-hub INSECURE dev ceremony v2';

const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
/** Points per job of a thread: big enough to amortise a message, small enough for steady progress lines. */
const CHUNK = 1 << 11;
const WORKER_FILE = path.join(__dirname, 'ptau-worker.js');

/** The dev ceremony's secrets, derived from fixed public strings: anyone can recompute them (INSECURE). */
export function devToxicWaste(): { tau: bigint; alpha: bigint; beta: bigint } {
  const derive = (what: string): bigint => {
    for (let i = 0; ; i++) {
      const x = BigInt(`0x${createHash('sha256').update(`${DEV_PTAU_VERSION}: ${what} ${i}`).digest('hex')}`) % R;
      if (x > 1n) return x;
    }
  };
  return { tau: derive('tau'), alpha: derive('alpha'), beta: derive('beta') };
}

/** Points of the prepared file of `power`, for estimates: G1 and G2 multiplications. */
export function devPtauPoints(power: number): { g1: number; g2: number } {
  const n = 2 ** power;
  // sections 2, 4, 5 | 12 (powers 0..power+1) | 14, 15 (0..power)   and   3, 6 | 13 (0..power)
  return { g1: 2 * n - 1 + 2 * n + (4 * n - 1) + 2 * (2 * n - 1), g2: n + 1 + (2 * n - 1) };
}

export type WriteDevPtauOptions = {
  /** Called as points are written: work done and total, in G1-multiplication units (a G2 one counts 4). */
  onProgress?: (done: number, total: number) => void;
  /** Threads multiplying points (default: every core). */
  threads?: number;
};

/**
 * Writes the prepared powers of tau of `power` for the INSECURE deterministic dev ceremony (snarkjs `.ptau`, ready
 * for `zkey new`), computed from the known tau instead of snarkjs's `powersoftau new` + `beacon` + `prepare phase2`.
 *
 * Why hand-written: `prepare phase2` converts the tau powers to Lagrange form with an IFFT over curve points, i.e.
 * n log n variable-base point multiplications per power: 133 s for 2^13 and 24 min for 2^16 on an idle 2-core
 * machine (84 min under load). The dev toxic waste is public on purpose, so here every point is the generator times
 * a scalar computed in Fr (the Lagrange scalars by an IFFT over Fr, which by linearity is what the point IFFT
 * computes): n multiplications, spread over worker threads (ptau-worker.js). snarkjs has no known-tau path. The spec
 * beside this file pins sections 12-15 byte for byte to snarkjs's own `preparePhase2` and proves a circuit set up
 * from the file.
 *
 * Layout: sections 1-7 and 12-15 exactly as snarkjs writes them; section 7 lists no contribution (none happened;
 * nothing on the way to a zkey reads it). Same tau for every power, so a zkey set up from the file of any power >=
 * the circuit's is byte-identical (pinned by the spec): one file of the largest power serves every shape. The write
 * is atomic: a temp file in the same directory, fsynced, then renamed; a killed run leaves only a `.tmp-*` file.
 *
 * @example
 * await writeDevPtau(`${cache}/ptau/dev_v2_pot16.ptau`, 16, { onProgress: (d, t) => log(d / t) });
 */
export async function writeDevPtau(file: string, power: number, options: WriteDevPtauOptions = {}): Promise<void> {
  if (!Number.isInteger(power) || power < 1 || power > 27) throw new RangeError(`power must be 1..27, got ${power}`);
  const curve = await buildBn128(true);
  const pool = new PointPool(options.threads ?? availableParallelism());
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  let closed = false;
  try {
    const { Fr, G1, G2 } = curve;
    const { tau, alpha, beta } = devToxicWaste();
    const fTau = Fr.e(tau);
    const fAlpha = Fr.e(alpha);
    const fBeta = Fr.e(beta);
    const n = 2 ** power;
    const sG1 = G1.F.n8 * 2;
    const sG2 = G2.F.n8 * 2;
    const points = devPtauPoints(power);
    const total = points.g1 + 4 * points.g2;
    let done = 0;
    const tick = (g1: number, g2 = 0): void => {
      done += g1 + 4 * g2;
      options.onProgress?.(done, total);
    };
    const out = (b: Uint8Array): void => {
      writeSync(fd, b);
    };
    const u32 = (x: number): Buffer => {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(x);
      return b;
    };
    const section = (type: number, size: number): void => {
      out(u32(type));
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(BigInt(size));
      out(b);
    };

    // @iden3/binfileutils header: magic, version 1, 11 sections (1-7, 12-15).
    out(Buffer.from('ptau', 'ascii'));
    out(u32(1));
    out(u32(11));

    // 1: n8 of q, q (little endian), power, ceremony power.
    const q = Buffer.alloc(32);
    let v = curve.q;
    for (let i = 0; i < 32; i++, v >>= 8n) q[i] = Number(v & 0xffn);
    section(1, 4 + 32 + 4 + 4);
    out(u32(32));
    out(q);
    out(u32(power));
    out(u32(power));

    // 2-5: the powers of tau (geometric sequences).
    section(2, (2 * n - 1) * sG1);
    await pool.geometric('G1', 2 * n - 1, Fr, Fr.one, fTau, out, (k) => tick(k));
    section(3, n * sG2);
    await pool.geometric('G2', n, Fr, Fr.one, fTau, out, (k) => tick(0, k));
    section(4, n * sG1);
    await pool.geometric('G1', n, Fr, fAlpha, fTau, out, (k) => tick(k));
    section(5, n * sG1);
    await pool.geometric('G1', n, Fr, fBeta, fTau, out, (k) => tick(k));
    // 6: beta * G2.
    section(6, sG2);
    out(G2.toAffine(G2.timesFr(G2.g, fBeta)));
    tick(0, 1);
    // 7: contributions: none.
    section(7, 4);
    out(u32(0));

    // 12-15: per power p, the Lagrange form of the section's first 2^p points. Section 12 goes up to power + 1, over
    // the 2n - 1 tau powers of section 2 with the missing last one read as 0 (as snarkjs's preparePhase2 does).
    const lagrange = [
      { id: 12, group: 'G1', key: Fr.one, count: 2 * n - 1, top: power + 1 },
      { id: 13, group: 'G2', key: Fr.one, count: n, top: power },
      { id: 14, group: 'G1', key: fAlpha, count: n, top: power },
      { id: 15, group: 'G1', key: fBeta, count: n, top: power },
    ] as const;
    for (const s of lagrange) {
      const size = s.group === 'G1' ? sG1 : sG2;
      section(s.id, (2 ** (s.top + 1) - 1) * size);
      for (let p = 0; p <= s.top; p++) {
        const len = 2 ** p;
        const coeffs = new Uint8Array(len * Fr.n8);
        coeffs.set(await Fr.batchApplyKey(repeat(Fr.one, Math.min(len, s.count)), s.key, fTau));
        const scalars = await Fr.ifft(coeffs);
        await pool.times(s.group, scalars, Fr.n8, out, (k) => (s.group === 'G1' ? tick(k) : tick(0, k)));
      }
    }
    fsyncSync(fd);
    closeSync(fd);
    closed = true;
    renameSync(tmp, file);
  } finally {
    if (!closed) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
      rmSync(tmp, { force: true });
    }
    await pool.close();
    await curve.terminate();
  }
}

/** `buff` repeated `k` times. */
function repeat(buff: Uint8Array, k: number): Uint8Array {
  const out = new Uint8Array(k * buff.byteLength);
  for (let i = 0; i < k; i++) out.set(buff, i * buff.byteLength);
  return out;
}

type PointJob =
  | { op: 'times'; group: 'G1' | 'G2'; scalars: Uint8Array }
  | { op: 'geometric'; group: 'G1' | 'G2'; first: Uint8Array; inc: Uint8Array; count: number };

/** Worker threads multiplying the generators (ptau-worker.js); results come back in submission order. */
class PointPool {
  private readonly workers: { worker: Worker; busy: boolean }[] = [];
  private readonly queue: { job: PointJob; resolve: (p: Uint8Array) => void; reject: (e: Error) => void }[] = [];
  private readonly pending = new Map<number, { resolve: (p: Uint8Array) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  constructor(size: number) {
    for (let i = 0; i < Math.max(1, size); i++) {
      const slot = { worker: new Worker(WORKER_FILE), busy: false };
      slot.worker.on('message', (m: { id: number; points?: Uint8Array; error?: string }) => {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        slot.busy = false;
        if (m.error !== undefined) p?.reject(new Error(`ptau worker: ${m.error}`));
        else p?.resolve(new Uint8Array(m.points!));
        this.dispatch();
      });
      slot.worker.on('error', (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      });
      this.workers.push(slot);
    }
  }

  run(job: PointJob): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  /** first * inc^i * G for i < count, chunk by chunk, written in order. */
  async geometric(
    group: 'G1' | 'G2',
    count: number,
    Fr: { mul(a: Uint8Array, b: Uint8Array): Uint8Array; exp(a: Uint8Array, e: number): Uint8Array },
    first: Uint8Array,
    inc: Uint8Array,
    out: (b: Uint8Array) => void,
    progress: (k: number) => void,
  ): Promise<void> {
    const jobs: Promise<Uint8Array>[] = [];
    const sizes: number[] = [];
    let start = first;
    for (let i = 0; i < count; i += CHUNK) {
      const k = Math.min(CHUNK, count - i);
      jobs.push(this.run({ op: 'geometric', group, first: start, inc, count: k }));
      sizes.push(k);
      start = Fr.mul(start, Fr.exp(inc, k));
    }
    for (let i = 0; i < jobs.length; i++) {
      out(await jobs[i]!);
      progress(sizes[i]!);
    }
  }

  /** scalar_i * G for the Fr elements of `scalars` (n8 bytes each), written in order. */
  async times(
    group: 'G1' | 'G2',
    scalars: Uint8Array,
    n8: number,
    out: (b: Uint8Array) => void,
    progress: (k: number) => void,
  ): Promise<void> {
    const n = scalars.byteLength / n8;
    const jobs: Promise<Uint8Array>[] = [];
    const sizes: number[] = [];
    for (let i = 0; i < n; i += CHUNK) {
      const k = Math.min(CHUNK, n - i);
      jobs.push(this.run({ op: 'times', group, scalars: scalars.slice(i * n8, (i + k) * n8) }));
      sizes.push(k);
    }
    for (let i = 0; i < jobs.length; i++) {
      out(await jobs[i]!);
      progress(sizes[i]!);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }

  private dispatch(): void {
    for (const slot of this.workers) {
      if (slot.busy) continue;
      const next = this.queue.shift();
      if (!next) return;
      const id = this.nextId++;
      this.pending.set(id, { resolve: next.resolve, reject: next.reject });
      slot.busy = true;
      slot.worker.postMessage({ id, ...next.job });
    }
  }
}
