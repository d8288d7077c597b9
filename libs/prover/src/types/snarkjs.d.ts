// Minimal typings for the parts of snarkjs 0.7.6 that libs/prover uses (the package ships none).
declare module 'snarkjs' {
  export type SnarkjsProof = {
    pi_a: string[];
    pi_b: string[][];
    pi_c: string[];
    protocol: string;
    curve: string;
  };
  export const groth16: {
    fullProve(
      input: Record<string, unknown>,
      wasmFile: string,
      zkeyFile: string,
      logger?: unknown,
      wtnsCalcOptions?: unknown,
      proverOptions?: { singleThread?: boolean },
    ): Promise<{ proof: SnarkjsProof; publicSignals: string[] }>;
    verify(vkey: unknown, publicSignals: string[], proof: SnarkjsProof, logger?: unknown): Promise<boolean>;
  };
  export const wtns: {
    calculate(input: Record<string, unknown>, wasmFile: string, wtnsFile: unknown, options?: unknown): Promise<void>;
    check(r1csFile: string, wtnsFile: unknown, logger?: unknown): Promise<boolean>;
    exportJson(wtnsFile: unknown): Promise<bigint[]>;
  };
  export const zKey: {
    newZKey(r1csFile: string, ptauFile: string, zkeyFile: string, logger?: unknown): Promise<unknown>;
    beacon(
      oldZkey: string,
      newZkey: string,
      name: string,
      beaconHashHex: string,
      numIterationsExp: number,
      logger?: unknown,
    ): Promise<unknown>;
    exportVerificationKey(zkeyFile: string, logger?: unknown): Promise<Record<string, unknown>>;
    exportSolidityVerifier(zkeyFile: string, templates: { groth16: string }, logger?: unknown): Promise<string>;
  };
  export const powersOfTau: {
    preparePhase2(oldPtau: string, newPtau: string, logger?: unknown): Promise<void>;
  };
  export const r1cs: {
    info(r1csFile: string, logger?: unknown): Promise<{ nConstraints: number; nPubInputs: number; nOutputs: number }>;
  };
}
