// Minimal typing for circomlibjs (dev dependency, used only by tests to cross-check Poseidon).
declare module 'circomlibjs' {
  export type CircomlibPoseidon = {
    (inputs: readonly bigint[]): Uint8Array;
    F: { toObject(x: Uint8Array): bigint };
  };
  export function buildPoseidon(): Promise<CircomlibPoseidon>;
}
