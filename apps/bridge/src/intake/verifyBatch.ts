import { BatchTree } from '@interop/protocol';
import type { Hex } from 'viem';

/** One received message record of a batch: its leaf index and recomputed message id (leaf). */
export type BatchCandidate = { leafIndex: number; messageId: Hex };

/** Outcome of {@link verifyBatch}. */
export type VerifyBatchResult =
  | { kind: 'incomplete'; missing: number }
  | { kind: 'verified'; leaves: Hex[]; tree: BatchTree }
  | { kind: 'mismatch'; computedRoot: Hex };

/** Most alternative leaf combinations tried when Kafka delivered conflicting records for one leaf index. */
const MAX_COMBINATIONS = 64;

/**
 * Checks that a batch's message records hash into its claimed batch root (SPEC "Batch tree"): Kafka is not trusted,
 * so the batch tree is rebuilt from the `messageCount` leaves. Until a record for every index `0..messageCount-1`
 * has arrived the batch is incomplete. When several different records claim one index (a forged copy next to the
 * real one), the combinations are tried (bounded) and the one matching the root wins, so a forgery cannot block the
 * real batch. A verified result carries the batch tree it built (the relayer proves every message of the batch from
 * it instead of hashing the batch again per message).
 *
 * @example
 * verifyBatch([{ leafIndex: 0, messageId: leaf }], 1, root, 16); // { kind: 'verified', leaves: [leaf] }
 */
export function verifyBatch(
  candidates: readonly BatchCandidate[],
  messageCount: number,
  batchRoot: Hex,
  depth: number,
): VerifyBatchResult {
  const byIndex: Hex[][] = Array.from({ length: messageCount }, () => []);
  for (const c of candidates) {
    const slot = byIndex[c.leafIndex];
    if (slot && !slot.includes(c.messageId)) slot.push(c.messageId);
  }
  const missing = byIndex.filter((s) => s.length === 0).length;
  if (missing > 0) return { kind: 'incomplete', missing };
  let firstRoot: Hex | undefined;
  let tried = 0;
  const choice = new Array<number>(messageCount).fill(0);
  for (;;) {
    const leaves = byIndex.map((s, i) => s[choice[i] as number] as Hex);
    const tree = new BatchTree(leaves, depth);
    const root = tree.root;
    if (root === batchRoot.toLowerCase()) return { kind: 'verified', leaves, tree };
    firstRoot ??= root;
    tried++;
    // Next combination (odometer over the indexes that have alternatives).
    let i = 0;
    for (; i < messageCount; i++) {
      const alternatives = (byIndex[i] as Hex[]).length;
      if ((choice[i] as number) + 1 < alternatives) {
        choice[i] = (choice[i] as number) + 1;
        break;
      }
      choice[i] = 0;
    }
    if (i === messageCount || tried >= MAX_COMBINATIONS) return { kind: 'mismatch', computedRoot: firstRoot };
  }
}
