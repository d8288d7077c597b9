/**
 * Test helper: terminates the worker threads snarkjs (ffjavascript) keeps for its cached BN254 curve, so that a
 * jest worker can exit after the tests of a file (call it in afterAll). The next snarkjs call builds a new curve.
 */
export async function releaseSnarkjs(): Promise<void> {
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> | void } | null };
  const curve = g.curve_bn128;
  if (curve) {
    g.curve_bn128 = null;
    await curve.terminate();
  }
}
