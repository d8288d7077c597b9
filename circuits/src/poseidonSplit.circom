pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";

// circomlib's Poseidon (PoseidonEx with initialState 0 and one output), split after the S-boxes of the first full
// round, so that several hashes sharing an input at the same position compute that S-box ONCE (3 constraints
// each). Same permutation, same constants, same output as `Poseidon(nInputs)`; pinned against libs/protocol by the
// aggregation witness tests, which reproduce libs/protocol's roots and commitments.
//
// PoseidonSbox(t, j): the first-round S-box of state position j (0 = capacity, j >= 1 = inputs[j - 1]) of a width-t
// permutation: (in + C[j])^5.
template PoseidonSbox(t, j) {
    signal input in;
    signal output out;
    var N_ROUNDS_P[16] = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];
    var C[t * 8 + N_ROUNDS_P[t - 2]] = POSEIDON_C(t);
    component s = Sigma();
    s.in <== in + C[j];
    out <== s.out;
}

// PoseidonFromSboxes(nInputs): the rest of the permutation, given the t first-round S-box outputs.
template PoseidonFromSboxes(nInputs) {
    signal input sbox0[nInputs + 1];
    signal output out;

    var N_ROUNDS_P[16] = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];
    var t = nInputs + 1;
    var nRoundsF = 8;
    var nRoundsP = N_ROUNDS_P[t - 2];
    var C[t*nRoundsF + nRoundsP] = POSEIDON_C(t);
    var S[  N_ROUNDS_P[t-2]  *  (t*2-1)  ]  = POSEIDON_S(t);
    var M[t][t] = POSEIDON_M(t);
    var P[t][t] = POSEIDON_P(t);

    component ark[nRoundsF];
    component sigmaF[nRoundsF][t];
    component sigmaP[nRoundsP];
    component mix[nRoundsF-1];
    component mixS[nRoundsP];
    component mixLast;

    for (var r = 0; r < nRoundsF\2-1; r++) {
        if (r > 0) {
            for (var j=0; j<t; j++) {
                sigmaF[r][j] = Sigma();
                sigmaF[r][j].in <== mix[r-1].out[j];
            }
        }
        ark[r+1] = Ark(t, C, (r+1)*t);
        for (var j=0; j<t; j++) {
            if (r == 0) {
                ark[r+1].in[j] <== sbox0[j];
            } else {
                ark[r+1].in[j] <== sigmaF[r][j].out;
            }
        }
        mix[r] = Mix(t,M);
        for (var j=0; j<t; j++) {
            mix[r].in[j] <== ark[r+1].out[j];
        }
    }

    for (var j=0; j<t; j++) {
        sigmaF[nRoundsF\2-1][j] = Sigma();
        sigmaF[nRoundsF\2-1][j].in <== mix[nRoundsF\2-2].out[j];
    }
    ark[nRoundsF\2] = Ark(t, C, (nRoundsF\2)*t );
    for (var j=0; j<t; j++) {
        ark[nRoundsF\2].in[j] <== sigmaF[nRoundsF\2-1][j].out;
    }
    mix[nRoundsF\2-1] = Mix(t,P);
    for (var j=0; j<t; j++) {
        mix[nRoundsF\2-1].in[j] <== ark[nRoundsF\2].out[j];
    }

    for (var r = 0; r < nRoundsP; r++) {
        sigmaP[r] = Sigma();
        if (r==0) {
            sigmaP[r].in <== mix[nRoundsF\2-1].out[0];
        } else {
            sigmaP[r].in <== mixS[r-1].out[0];
        }
        mixS[r] = MixS(t, S, r);
        for (var j=0; j<t; j++) {
            if (j==0) {
                mixS[r].in[j] <== sigmaP[r].out + C[(nRoundsF\2+1)*t + r];
            } else {
                if (r==0) {
                    mixS[r].in[j] <== mix[nRoundsF\2-1].out[j];
                } else {
                    mixS[r].in[j] <== mixS[r-1].out[j];
                }
            }
        }
    }

    for (var r = 0; r < nRoundsF\2-1; r++) {
        for (var j=0; j<t; j++) {
            sigmaF[nRoundsF\2 + r][j] = Sigma();
            if (r==0) {
                sigmaF[nRoundsF\2 + r][j].in <== mixS[nRoundsP-1].out[j];
            } else {
                sigmaF[nRoundsF\2 + r][j].in <== mix[nRoundsF\2+r-1].out[j];
            }
        }
        ark[ nRoundsF\2 + r + 1] = Ark(t, C,  (nRoundsF\2+1)*t + nRoundsP + r*t );
        for (var j=0; j<t; j++) {
            ark[nRoundsF\2 + r + 1].in[j] <== sigmaF[nRoundsF\2 + r][j].out;
        }
        mix[nRoundsF\2 + r] = Mix(t,M);
        for (var j=0; j<t; j++) {
            mix[nRoundsF\2 + r].in[j] <== ark[nRoundsF\2 + r + 1].out[j];
        }
    }

    for (var j=0; j<t; j++) {
        sigmaF[nRoundsF-1][j] = Sigma();
        sigmaF[nRoundsF-1][j].in <== mix[nRoundsF-2].out[j];
    }
    mixLast = MixLast(t,M,0);
    for (var j=0; j<t; j++) {
        mixLast.in[j] <== sigmaF[nRoundsF-1][j].out;
    }
    out <== mixLast.out;
}
