/**
 * snarkjs (ffjavascript) caches the BN254 curve of a verification in `globalThis.curve_bn128` together with worker
 * threads that keep the process alive. The aggregator verifies every proof on the main thread, so it releases the
 * curve when it stops (the next verification builds a new one). Same as libs/prover's test helper releaseSnarkjs.
 */
export async function releaseSnarkjsCurve(): Promise<void> {
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> | void } | null };
  const curve = g.curve_bn128;
  if (curve) {
    g.curve_bn128 = null;
    await curve.terminate();
  }
}
