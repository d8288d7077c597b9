import path from 'node:path';
import { Worker } from 'node:worker_threads';

import type { CircuitArtifacts } from './circuitArtifacts';
import { ProverClosedError, ProverFailedError } from './errors';
import type { CircuitInput, ProofResult } from './types';

export type ProverOptions = {
  /** wasm and zkey of the circuit instance (see circuitArtifacts) */
  artifacts: Pick<CircuitArtifacts, 'wasm' | 'zkey'>;
  /** number of worker threads, each proving one job at a time (default 1) */
  poolSize?: number;
  /**
   * Run each proof's multi-exponentiations on its own thread only. Default: true when poolSize > 1, so that N
   * workers on N cores do not each spawn N more threads; false for a single worker, which then uses every core.
   */
  singleThread?: boolean;
};

/** A proof plus how long the worker spent on it (witness + proving). */
export type TimedProofResult = ProofResult & { ms: number };

type Job = {
  id: number;
  input: CircuitInput | Record<string, unknown>;
  resolve: (r: TimedProofResult) => void;
  reject: (e: unknown) => void;
};

type Slot = { worker: Worker; job: Job | undefined };

type WorkerReply =
  | { id: number; ok: true; proof: ProofResult['proof']; publicSignals: string[]; ms: number }
  | { id: number; ok: false; message: string };

const WORKER_FILE = path.join(__dirname, 'worker', 'prove-worker.js');

/**
 * A pool of worker threads proving the aggregation circuit with snarkjs `groth16.fullProve`. Witness generation
 * and proving both run off the main thread, so the event loop never blocks on a proof; jobs queue when every
 * worker is busy and run in submission order.
 *
 * @example
 * const prover = new Prover({ artifacts: circuitArtifacts('test'), poolSize: 2 });
 * const { proof, publicSignals } = await prover.prove(buildCircuitInput(w, oldRoot, newRoot, commitment));
 * await prover.close();
 */
export class Prover {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly singleThread: boolean;
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: ProverOptions) {
    const size = options.poolSize ?? 1;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`poolSize must be a positive integer, got ${size}`);
    this.singleThread = options.singleThread ?? size > 1;
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  /** Number of worker threads. */
  get size(): number {
    return this.slots.length;
  }

  /**
   * Proves one circuit input. Rejects with ProverFailedError when the witness does not satisfy the circuit (or the
   * thread dies), with ProverClosedError when the pool is closed first.
   */
  prove(input: CircuitInput | Record<string, unknown>): Promise<TimedProofResult> {
    if (this.closed) return Promise.reject(new ProverClosedError());
    return new Promise<TimedProofResult>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, input, resolve, reject });
      this.dispatch();
    });
  }

  /** Terminates every worker; queued and running proofs reject with ProverClosedError. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new ProverClosedError());
    await Promise.all(
      this.slots.map(async (slot) => {
        const job = slot.job;
        slot.job = undefined;
        job?.reject(new ProverClosedError());
        await slot.worker.terminate();
      }),
    );
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(WORKER_FILE), job: undefined };
    slot.worker.on('message', (reply: WorkerReply) => {
      const job = slot.job;
      if (!job || job.id !== reply.id) return;
      slot.job = undefined;
      if (reply.ok) job.resolve({ proof: reply.proof, publicSignals: reply.publicSignals, ms: reply.ms });
      else job.reject(new ProverFailedError(reply.message));
      this.dispatch();
    });
    slot.worker.on('error', (err) => this.replace(slot, err));
    slot.worker.on('exit', (code) => {
      if (!this.closed) this.replace(slot, new Error(`worker thread exited with code ${code}`));
    });
    return slot;
  }

  /** A dead thread fails its job only; the pool gets a fresh thread and carries on. */
  private replace(slot: Slot, err: unknown): void {
    const job = slot.job;
    slot.job = undefined;
    job?.reject(new ProverFailedError(err instanceof Error ? err.message : String(err), err));
    const index = this.slots.indexOf(slot);
    if (this.closed || index < 0) return;
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    this.slots[index] = this.spawn();
    this.dispatch();
  }

  private dispatch(): void {
    if (this.closed) return;
    for (const slot of this.slots) {
      if (slot.job) continue;
      const job = this.queue.shift();
      if (!job) return;
      slot.job = job;
      slot.worker.postMessage({
        id: job.id,
        input: job.input,
        wasm: this.options.artifacts.wasm,
        zkey: this.options.artifacts.zkey,
        singleThread: this.singleThread,
      });
    }
  }
}
