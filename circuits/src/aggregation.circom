pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "./merkle.circom";
include "./leaves.circom";
include "./epochData.circom";
include "./zeros.circom";
include "./poseidonSplit.circom";

// log2 of a power of two (compile time).
function log2Exact(m) {
    var r = 0;
    var x = 1;
    while (x < m) {
        x = x * 2;
        r = r + 1;
    }
    assert(x == m);
    return r;
}

// AggregationGroup: up to M updates of ONE chain (SPEC.md "Aggregation step", "Epoch shape"), applied to the shared
// root as one subtree append. The real updates are a prefix of the M update slots (enabled[j] = 1), the rest is
// padding. Update j carries batch number firstBatch + j; all of them lie in the aligned block
// [b*M, b*M + M) of the chain tree, i.e. in one subtree of height LOG_M whose root sits at index b of level LOG_M.
// Let o = firstBatch mod M (the low LOG_M bits) and n = number of enabled updates: the group writes the chain-tree
// positions b*M + o .. b*M + o + n - 1 of that subtree.
//
// Private witness: slot, chainId, firstBatch, the M batch roots, lowSiblings (the LOG_M siblings of position
// firstBatch INSIDE the subtree, in the old tree: to its left the old nodes, to its right empty subtrees),
// upperSiblings (the CHAIN_DEPTH - LOG_M siblings of the subtree root) and sharedSiblings (the chain's slot).
//
// What the prover claims, and which constraint stops each lie:
//   - "the positions firstBatch .. end of block were empty": the old chain root is folded from the EMPTY leaf (0)
//     at firstBatch with lowSiblings ++ upperSiblings, and every lowSibling to the RIGHT of the path (index bit 0)
//     must be the empty-subtree hash Z(l). So the old subtree held nothing at positions >= o.
//   - "the new subtree is the old one plus these leaves": the new subtree is hashed from M leaf positions where
//     positions < o are taken from the old tree (the left lowSiblings, which the old fold binds to the old chain
//     root), positions o .. o+n-1 hold batchLeaf(root_j, firstBatch + j) and the rest stays 0.
//   - "nothing else in the chain tree changed": the new chain root is folded from the new subtree root with the
//     SAME upperSiblings and index bits as the old one.
//   - "the updates do not cross the block": an enabled update j needs o + j < M (no wrap into the next block,
//     which the subtree would not contain).
//   - "the slot belongs to chainId and held its old chain root" / "nothing else in the shared tree changed": as in
//     the one-update design, old shared leaf folded at slot must give rootIn; the new one is folded with the same
//     siblings.
//   - "these are the chain, batch numbers and batch roots L1 checked and signed": the group outputs its header,
//     new chain root and batch roots into the epoch data, which Aggregation commits to and evaluates at L1's
//     challenge; L1 evaluates its own calldata (with the registered slot) at the same point.
template AggregationGroup(M, CHAIN_DEPTH, SHARED_DEPTH) {
    var LOG_M = log2Exact(M);
    var UPPER = CHAIN_DEPTH - LOG_M;
    assert(LOG_M >= 1);
    assert(UPPER >= 0);
    // The header's field widths (SPEC.md "Epoch data").
    assert(CHAIN_DEPTH <= 64);
    assert(SHARED_DEPTH <= 32);

    signal input rootIn;           // shared root before this group

    signal input enabled[M];
    signal input slot;
    signal input chainId;
    signal input firstBatch;
    signal input batchRootField[M];
    signal input lowSiblings[LOG_M];
    signal input upperSiblings[UPPER];
    signal input sharedSiblings[SHARED_DEPTH];

    signal output rootOut;
    signal output header;          // header(slot, chainId, firstBatch, count), 0 for an empty group
    signal output chainRootOut;    // the new chain root, 0 for an empty group
    signal output rootOutField[M]; // the batch-root fields, 0 for padding

    // enabled is boolean and a prefix: a value like 2 would scale the mixes below instead of selecting, and a
    // prefix keeps the layout canonical (update j is batch firstBatch + j; no holes).
    for (var j = 0; j < M; j++) {
        enabled[j] * (enabled[j] - 1) === 0;
        if (j > 0) {
            enabled[j] * (1 - enabled[j - 1]) === 0;
        }
    }
    signal active <== enabled[0];

    // Range checks that double as path directions: slot < 2^SHARED_DEPTH, firstBatch < 2^CHAIN_DEPTH, so the
    // positions are exactly the numbers the header (and L1) sees (no aliasing modulo the field order).
    component slotBits = Num2Bits(SHARED_DEPTH);
    slotBits.in <== slot;
    component batchBits = Num2Bits(CHAIN_DEPTH);
    batchBits.in <== firstBatch;

    // o = firstBatch mod M: its bits are the low LOG_M bits of firstBatch. onehot[t] = [o == t], built as a
    // product tree of those (already boolean) bits: M - 2 constraints, each entry 0/1 and exactly one of them 1.
    signal onehot[M];
    var cur[M];
    cur[0] = 1;
    var curLen = 1;
    signal onehotPart[LOG_M][M];
    for (var i = 0; i < LOG_M; i++) {
        for (var x = 0; x < M; x++) {
            if (x < curLen) {
                onehotPart[i][x] <== cur[x] * batchBits.out[i];
            } else {
                onehotPart[i][x] <== 0;
            }
        }
        for (var x = 0; x < curLen; x++) {
            cur[x + curLen] = onehotPart[i][x];
            cur[x] = cur[x] - onehotPart[i][x];
        }
        curLen = curLen * 2;
    }
    for (var t = 0; t < M; t++) {
        onehot[t] <== cur[t];
    }
    // ge(t) = [o >= t], a linear sum of onehot.

    // No crossing: update j sits at block position o + j, which must be < M when enabled (o >= M - j forbidden).
    for (var j = 1; j < M; j++) {
        var tooFar = 0;
        for (var t = M - j; t < M; t++) {
            tooFar += onehot[t];
        }
        enabled[j] * tooFar === 0;
    }

    // Batch leaves of the updates; padding leaves are zeroed (el) so the positions after the last update stay empty.
    component leaf[M];
    signal el[M];
    for (var j = 0; j < M; j++) {
        leaf[j] = BatchLeaf();
        leaf[j].batchRootField <== batchRootField[j];
        leaf[j].batchNumber <== firstBatch + j;
        el[j] <== enabled[j] * leaf[j].out;
    }

    // Shift the leaves right by o (barrel shifter on the bits of o): afterwards position p >= o holds el[p - o].
    // Positions p < o hold leftovers, which is fine: they lie entirely left of o and are replaced by old nodes
    // below. Stage i moves by 2^i when bit i is set (one constraint per position that can receive a value).
    signal shifted[LOG_M + 1][M];
    for (var p = 0; p < M; p++) {
        shifted[0][p] <== el[p];
    }
    for (var i = 0; i < LOG_M; i++) {
        for (var p = 0; p < M; p++) {
            if (p < (1 << i)) {
                shifted[i + 1][p] <== shifted[i][p];
            } else {
                shifted[i + 1][p] <== shifted[i][p] + batchBits.out[i] * (shifted[i][p - (1 << i)] - shifted[i][p]);
            }
        }
    }

    // New subtree root. At level l, node k covers positions [k*2^l, (k+1)*2^l); if it lies entirely left of o it
    // is an old node, unchanged, taken from lowSiblings[l] (eo = "entirely old" = o >= (k+1)*2^l). Only the node
    // just left of o's ancestor is ever used that way, and it is lowSiblings[l] exactly when o's bit l is 1;
    // other "entirely old" nodes feed parents that are entirely old too, so their value is never used.
    signal lvl[LOG_M + 1][M];
    signal sel[LOG_M][M];
    component h[LOG_M][M];
    for (var p = 0; p < M; p++) {
        lvl[0][p] <== shifted[LOG_M][p];
    }
    for (var l = 0; l < LOG_M; l++) {
        var width = M >> l;
        for (var k = 0; k < width; k++) {
            if (k == width - 1) {
                // The last node contains position M - 1 > o - 1: never entirely old.
                sel[l][k] <== lvl[l][k];
            } else {
                var eo = 0;
                for (var t = (k + 1) << l; t < M; t++) {
                    eo += onehot[t];
                }
                sel[l][k] <== lvl[l][k] + eo * (lowSiblings[l] - lvl[l][k]);
            }
        }
        for (var k = 0; k < width / 2; k++) {
            h[l][k] = Poseidon(2);
            h[l][k].inputs[0] <== sel[l][2 * k];
            h[l][k].inputs[1] <== sel[l][2 * k + 1];
            lvl[l + 1][k] <== h[l][k].out;
        }
        for (var k = width / 2; k < M; k++) {
            lvl[l + 1][k] <== 0;
        }
        for (var k = width; k < M; k++) {
            sel[l][k] <== 0;
        }
    }

    // Old chain root: the empty leaf at firstBatch, full path. Every low sibling on the right of the path (bit 0)
    // must be the empty subtree Z(l): the old block held nothing at positions >= o.
    for (var l = 0; l < LOG_M; l++) {
        (1 - batchBits.out[l]) * (lowSiblings[l] - emptyChainRoot(l)) === 0;
    }
    // Level 0 needs no selection: with the check above, (left, right) = (lowSiblings[0], 0) for both bit values
    // (bit 1: the empty leaf is the right child; bit 0: lowSiblings[0] = Z(0) = 0 and both children are 0).
    component oldLevel0 = Poseidon(2);
    oldLevel0.inputs[0] <== lowSiblings[0];
    oldLevel0.inputs[1] <== 0;
    component oldChain = MerkleFold(CHAIN_DEPTH - 1);
    oldChain.leaf <== oldLevel0.out;
    for (var l = 1; l < CHAIN_DEPTH; l++) {
        oldChain.indexBits[l - 1] <== batchBits.out[l];
    }
    for (var l = 1; l < LOG_M; l++) {
        oldChain.siblings[l - 1] <== lowSiblings[l];
    }
    for (var l = 0; l < UPPER; l++) {
        oldChain.siblings[LOG_M - 1 + l] <== upperSiblings[l];
    }

    // New chain root: the new subtree root, same path above the block.
    component newChain = MerkleFold(UPPER);
    newChain.leaf <== lvl[LOG_M][0];
    for (var l = 0; l < UPPER; l++) {
        newChain.indexBits[l] <== batchBits.out[LOG_M + l];
        newChain.siblings[l] <== upperSiblings[l];
    }

    // Shared tree. A chain's first batch (firstBatch == 0) finds its slot empty (leaf 0) AND its chain tree empty:
    // without the second check a prover could start a chain from a tree pre-filled with forged batches (the shared
    // tree does not commit to an empty chain's root).
    // Also enforced for an inactive group: its witness (firstBatch 0, empty-tree siblings) satisfies it.
    component first = IsZero();
    first.in <== firstBatch;
    first.out * (oldChain.root - emptyChainRoot(CHAIN_DEPTH)) === 0;

    // chainLeaf = P3(TAG_CHAIN, chainRoot, chainId) (leaves.circom ChainLeaf), old and new sharing the first-round
    // S-boxes of the capacity, the tag and chainId (poseidonSplit.circom).
    component clCap = PoseidonSbox(4, 0);
    clCap.in <== 0;
    component clTag = PoseidonSbox(4, 1);
    clTag.in <== TAG_CHAIN();
    component clChainId = PoseidonSbox(4, 3);
    clChainId.in <== chainId;
    component oldRootSbox = PoseidonSbox(4, 2);
    oldRootSbox.in <== oldChain.root;
    component oldChainLeaf = PoseidonFromSboxes(3);
    oldChainLeaf.sbox0 <== [clCap.out, clTag.out, oldRootSbox.out, clChainId.out];
    signal oldSharedLeaf <== (1 - first.out) * oldChainLeaf.out;

    component oldShared = MerkleFold(SHARED_DEPTH);
    oldShared.leaf <== oldSharedLeaf;
    oldShared.indexBits <== slotBits.out;
    oldShared.siblings <== sharedSiblings;
    // Anchors the group to the running root (and through the chain of groups to the public oldRoot).
    active * (oldShared.root - rootIn) === 0;

    component newRootSbox = PoseidonSbox(4, 2);
    newRootSbox.in <== newChain.root;
    component newChainLeaf = PoseidonFromSboxes(3);
    newChainLeaf.sbox0 <== [clCap.out, clTag.out, newRootSbox.out, clChainId.out];

    component newShared = MerkleFold(SHARED_DEPTH);
    newShared.leaf <== newChainLeaf.out;
    newShared.indexBits <== slotBits.out;
    newShared.siblings <== sharedSiblings;

    // An inactive group is an exact no-op on the root.
    rootOut <== rootIn + active * (newShared.root - rootIn);

    // This group's part of the epoch data (SPEC.md "Epoch data"): its header, its new chain root and its batch
    // roots, each forced to 0 where the epoch data has 0 (an empty group, padding slots), so no entry of the data is
    // a free value. The header packs (count, firstBatch, chainId, slot) into one field element; the range checks
    // (count <= M, firstBatch < 2^CHAIN_DEPTH <= 2^64, chainId < 2^64, slot < 2^SHARED_DEPTH <= 2^32) make the
    // packing injective, so the header L1 computes from ITS values can only match these values.
    component chainIdBits = Num2Bits(64);
    chainIdBits.in <== chainId;
    var count = 0;
    for (var j = 0; j < M; j++) {
        count += enabled[j];
    }
    header <== count + firstBatch * (1 << 32) + chainId * (1 << 96) + slot * (1 << 160);
    chainRootOut <== active * newChain.root;
    for (var j = 0; j < M; j++) {
        rootOutField[j] <== enabled[j] * batchRootField[j];
    }
}

// AggregationSteps(G, M, CHAIN_DEPTH, SHARED_DEPTH): the G groups applied in order from oldRoot, and the epoch data
// vector they produce (SPEC.md "Epoch data": data[0] = oldRoot, data[1] = the new root, then per group its header,
// new chain root and M batch roots). Every constraint on the trees lives here; Aggregation below only binds the data
// to the public signals.
template AggregationSteps(G, M, CHAIN_DEPTH, SHARED_DEPTH) {
    var LOG_M = log2Exact(M);
    var N = 2 + G * (M + 2);
    signal input oldRoot;
    signal input enabled[G][M];
    signal input slot[G];
    signal input chainId[G];
    signal input firstBatch[G];
    signal input batchRootField[G][M];
    signal input lowSiblings[G][LOG_M];
    signal input upperSiblings[G][CHAIN_DEPTH - LOG_M];
    signal input sharedSiblings[G][SHARED_DEPTH];
    signal output data[N];

    component groups[G];
    signal root[G + 1];
    root[0] <== oldRoot;
    data[0] <== oldRoot;

    for (var g = 0; g < G; g++) {
        // Active groups are a prefix (canonical layout; an empty group is only padding at the end).
        if (g > 0) {
            enabled[g][0] * (1 - enabled[g - 1][0]) === 0;
        }
        groups[g] = AggregationGroup(M, CHAIN_DEPTH, SHARED_DEPTH);
        groups[g].rootIn <== root[g];
        groups[g].enabled <== enabled[g];
        groups[g].slot <== slot[g];
        groups[g].chainId <== chainId[g];
        groups[g].firstBatch <== firstBatch[g];
        groups[g].batchRootField <== batchRootField[g];
        groups[g].lowSiblings <== lowSiblings[g];
        groups[g].upperSiblings <== upperSiblings[g];
        groups[g].sharedSiblings <== sharedSiblings[g];
        root[g + 1] <== groups[g].rootOut;
        var base = 2 + g * (M + 2);
        data[base] <== groups[g].header;
        data[base + 1] <== groups[g].chainRootOut;
        for (var j = 0; j < M; j++) {
            data[base + 2 + j] <== groups[g].rootOutField[j];
        }
    }
    data[1] <== root[G];
}

// Aggregation(G, M, CHAIN_DEPTH, SHARED_DEPTH): one epoch of shape (G, M), K = G*M update slots in G groups of M,
// applied in order. Public signals, in this order (SPEC.md "Epoch data"): [dataCommitment, challenge, evaluation]
// (declared first, so circom lists them in this order). The old and new shared roots are not public signals: they
// are entries 0 and 1 of the epoch data, which the evaluation binds to L1's calldata (L1 puts its current root
// there), like every header, chain root and batch root.
template Aggregation(G, M, CHAIN_DEPTH, SHARED_DEPTH) {
    var LOG_M = log2Exact(M);
    var N = 2 + G * (M + 2);
    signal input dataCommitment;
    signal input challenge;
    signal input evaluation;

    signal input oldRoot;
    signal input enabled[G][M];
    signal input slot[G];
    signal input chainId[G];
    signal input firstBatch[G];
    signal input batchRootField[G][M];
    signal input lowSiblings[G][LOG_M];
    signal input upperSiblings[G][CHAIN_DEPTH - LOG_M];
    signal input sharedSiblings[G][SHARED_DEPTH];

    component steps = AggregationSteps(G, M, CHAIN_DEPTH, SHARED_DEPTH);
    steps.oldRoot <== oldRoot;
    steps.enabled <== enabled;
    steps.slot <== slot;
    steps.chainId <== chainId;
    steps.firstBatch <== firstBatch;
    steps.batchRootField <== batchRootField;
    steps.lowSiblings <== lowSiblings;
    steps.upperSiblings <== upperSiblings;
    steps.sharedSiblings <== sharedSiblings;

    component commitment = EpochDataCommitment(N);
    commitment.data <== steps.data;
    dataCommitment === commitment.out;
    // challenge needs no constraint: L1 draws it (keccak over dataCommitment and its own data) and passes it in.
    component evaluate = EvaluateAt(N);
    evaluate.coeffs <== steps.data;
    evaluate.x <== challenge;
    evaluation === evaluate.out;
}
