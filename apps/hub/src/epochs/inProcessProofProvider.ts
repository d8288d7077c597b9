import { circuitArtifacts, Prover, type CircuitInput } from '@interop/prover';

import type { EpochProof, ProofProvider } from './proofProvider';

/**
 * PROVER_MODE=in-process: libs/prover's worker-thread pool, one per shape, started on the shape's first proof.
 * `capacity` is the pool size: with one worker a proof uses every core, with more each proves on its own thread.
 */
export class InProcessProofProvider implements ProofProvider {
  private readonly provers = new Map<string, Prover>();

  constructor(private readonly workers: number) {}

  get capacity(): number {
    return this.workers;
  }

  async prove(_epoch: bigint, shape: string, input: CircuitInput): Promise<EpochProof> {
    let prover = this.provers.get(shape);
    if (!prover) {
      prover = new Prover({ artifacts: circuitArtifacts(shape), poolSize: this.workers });
      this.provers.set(shape, prover);
    }
    const { proof, publicSignals, ms } = await prover.prove(input);
    return { proof, publicSignals, ms };
  }

  async close(): Promise<void> {
    await Promise.all([...this.provers.values()].map((p) => p.close()));
    this.provers.clear();
  }
}
