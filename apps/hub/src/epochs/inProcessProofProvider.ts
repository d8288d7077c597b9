import { circuitArtifacts, Prover, type CircuitInput, type CircuitInstance } from '@interop/prover';

import type { EpochProof, ProofProvider } from './proofProvider';

/** PROVER_MODE=in-process: libs/prover's worker-thread pool, started on the first proof. */
export class InProcessProofProvider implements ProofProvider {
  private prover: Prover | undefined;

  constructor(
    private readonly instance: CircuitInstance,
    private readonly workers: number,
  ) {}

  async prove(_epoch: bigint, input: CircuitInput): Promise<EpochProof> {
    this.prover ??= new Prover({ artifacts: circuitArtifacts(this.instance), poolSize: this.workers });
    const { proof, publicSignals, ms } = await this.prover.prove(input);
    return { proof, publicSignals, ms };
  }

  async close(): Promise<void> {
    await this.prover?.close();
    this.prover = undefined;
  }
}
