pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";

// The epoch data commitment (SPEC.md "Epoch data"): c = TAG_EPOCH (3), then c = P5(c, d[i], d[i+1], d[i+2], d[i+3])
// for every 4 elements (zero-padded). It is the proof's first public signal. L1 never computes it: it takes it from
// the submitter and binds it to its own calldata through the challenge (keccak over the commitment AND L1's data)
// and the evaluation below. What the commitment is for: it fixes this circuit's data vector before the challenge
// exists, so the evaluation check is a Schwartz-Zippel test and not an equation the prover could solve.
// A chain of P5 (rather than a tree) keeps it one hash per 4 elements; the length N is fixed by the shape, so the
// zero padding cannot be confused with data.
template EpochDataCommitment(N) {
    signal input data[N];
    signal output out;

    var CHUNKS = (N + 3) \ 4;
    component h[CHUNKS];
    signal c[CHUNKS + 1];
    c[0] <== 3;
    for (var i = 0; i < CHUNKS; i++) {
        h[i] = Poseidon(5);
        h[i].inputs[0] <== c[i];
        for (var j = 0; j < 4; j++) {
            if (4 * i + j < N) {
                h[i].inputs[1 + j] <== data[4 * i + j];
            } else {
                h[i].inputs[1 + j] <== 0;
            }
        }
        c[i + 1] <== h[i].out;
    }
    out <== c[CHUNKS];
}

// sum_{i < N} coeffs[i] * x^i (Horner): N - 1 constraints. With x = L1's random challenge and the coefficients
// committed above, equality with L1's evaluation of ITS data shows the two vectors are equal (except with
// probability < N / r).
template EvaluateAt(N) {
    signal input coeffs[N];
    signal input x;
    signal output out;

    signal acc[N];
    acc[N - 1] <== coeffs[N - 1];
    for (var i = N - 2; i >= 0; i--) {
        acc[i] <== acc[i + 1] * x + coeffs[i];
    }
    out <== acc[0];
}
