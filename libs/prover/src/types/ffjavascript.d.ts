// Minimal typings for the parts of ffjavascript (snarkjs's curve engine, WASM + worker threads) that
// libs/prover/src/setup uses; the package ships none. Buffers hold field elements in Montgomery form and points in
// snarkjs's affine "LEM" layout.
declare module 'ffjavascript' {
  export type FfTask = Array<Record<string, unknown>>;
  export interface FfField {
    readonly n8: number;
    readonly one: Uint8Array;
    e(x: bigint | number | string): Uint8Array;
    mul(a: Uint8Array, b: Uint8Array): Uint8Array;
    exp(a: Uint8Array, e: number | bigint): Uint8Array;
    batchApplyKey(buff: Uint8Array, first: Uint8Array, inc: Uint8Array): Promise<Uint8Array>;
    ifft(buff: Uint8Array): Promise<Uint8Array>;
    toObject(a: Uint8Array): bigint;
  }
  export interface FfGroup {
    readonly F: { readonly n8: number };
    readonly g: Uint8Array;
    readonly oneAffine: Uint8Array;
    timesFr(point: Uint8Array, s: Uint8Array): Uint8Array;
    toAffine(point: Uint8Array): Uint8Array;
    fromRprLEM(buff: Uint8Array, offset: number): Uint8Array;
    batchApplyKey(
      buff: Uint8Array,
      first: Uint8Array,
      inc: Uint8Array,
      inType?: 'affine' | 'jacobian',
      outType?: 'affine' | 'jacobian',
    ): Promise<Uint8Array>;
  }
  export interface FfCurve {
    readonly q: bigint;
    readonly r: bigint;
    readonly Fr: FfField;
    readonly G1: FfGroup;
    readonly G2: FfGroup;
    readonly tm: { readonly concurrency: number; queueAction(task: FfTask): Promise<Uint8Array[]> };
    pairingEq(...points: Uint8Array[]): Promise<boolean>;
    terminate(): Promise<void>;
  }
  export function buildBn128(singleThread?: boolean): Promise<FfCurve>;
}
