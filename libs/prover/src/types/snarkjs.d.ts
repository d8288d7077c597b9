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
  export const r1cs: {
    info(r1csFile: string, logger?: unknown): Promise<{ nConstraints: number; nPubInputs: number; nOutputs: number }>;
  };
}
