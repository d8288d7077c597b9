import { accounts, nativeCurrency, type AccountDef } from './chartOfAccounts';
import { splitFee, type SplitBps } from './feeSplit';

/** One line of a journal entry: debit > 0, credit < 0, in one currency on one chain. */
export type PostingDraft = { account: AccountDef; amount: bigint; currency: string; chainId: bigint };

/** A journal entry to post; `idempotencyKey` makes posting it twice a no-op. */
export type JournalEntryDraft = {
  kind: 'fee_charged' | 'relay_gas' | 'fee_earned';
  idempotencyKey: string;
  messageId: string | null;
  memo: string;
  postings: PostingDraft[];
};

const E18 = 10n ** 18n;

/** Zero postings are not stored (the database refuses them) and add nothing. */
function entry(draft: JournalEntryDraft): JournalEntryDraft | null {
  const postings = draft.postings.filter((p) => p.amount !== 0n);
  return postings.length >= 2 ? { ...draft, postings } : null;
}

/**
 * The fee a message paid on its source chain, booked once its batch is proven in a settled root (only then is the
 * message trusted): debit the fees the source InteropCenter holds, credit the delivery the network now owes.
 * Returns null for a zero fee.
 */
export function feeChargedEntry(m: { id: string; srcChainId: bigint; fee: bigint }): JournalEntryDraft | null {
  const currency = nativeCurrency(m.srcChainId);
  return entry({
    kind: 'fee_charged',
    idempotencyKey: `fee:${m.id}`,
    messageId: m.id,
    memo: `fee paid on chain ${m.srcChainId}`,
    postings: [
      { account: accounts.feesHeld(m.srcChainId), amount: m.fee, currency, chainId: m.srcChainId },
      { account: accounts.feesUnearned(m.srcChainId), amount: -m.fee, currency, chainId: m.srcChainId },
    ],
  });
}

/**
 * The relayer's gas for one message on the destination (its share of the transaction: `gasUsed * effectiveGasPrice`),
 * in the destination's native coin: an expense paid from the relayer's wallet. Keyed by transaction and message, so
 * a transaction that reverted and a later one are both booked, each once.
 */
export function relayGasEntry(p: {
  messageId: string;
  dstChainId: bigint;
  txHash: string;
  gasCost: bigint;
}): JournalEntryDraft | null {
  const currency = nativeCurrency(p.dstChainId);
  return entry({
    kind: 'relay_gas',
    idempotencyKey: `gas:${p.txHash}:${p.messageId}`,
    messageId: p.messageId,
    memo: `relayer gas on chain ${p.dstChainId} (tx ${p.txHash})`,
    postings: [
      { account: accounts.relayerGas(p.dstChainId), amount: p.gasCost, currency, chainId: p.dstChainId },
      { account: accounts.relayerWallet(p.dstChainId), amount: -p.gasCost, currency, chainId: p.dstChainId },
    ],
  });
}

/**
 * Converts destination-native wei to source-native wei with the route's `exchangeRateE18` (source wei per
 * destination wei, scaled by 1e18), rounding up like the fee formula so the relayer is never under-reimbursed.
 */
export function toSourceWei(dstWei: bigint, exchangeRateE18: bigint): bigint {
  const scaled = dstWei * exchangeRateE18;
  return scaled === 0n ? 0n : (scaled - 1n) / E18 + 1n;
}

/**
 * The fee earned once the destination processed the message (executed, or recorded FAILED by the handler: the
 * delivery was attempted and paid for). The unearned fee is released: first the relayer's gas, converted to the
 * source coin, is recovered (at most the fee), and the rest, the net revenue, is split by the active policy into
 * burn, staking rewards and treasury. Everything is in the source chain's native coin.
 */
export function feeEarnedEntry(p: {
  messageId: string;
  srcChainId: bigint;
  fee: bigint;
  gasCostInSource: bigint;
  split: SplitBps & { version: number };
}): { entry: JournalEntryDraft | null; recovered: bigint; net: bigint } {
  const recovered = p.gasCostInSource < p.fee ? p.gasCostInSource : p.fee;
  const net = p.fee - recovered;
  const parts = splitFee(net, p.split);
  const currency = nativeCurrency(p.srcChainId);
  const c = p.srcChainId;
  return {
    recovered,
    net,
    entry: entry({
      kind: 'fee_earned',
      idempotencyKey: `earn:${p.messageId}`,
      messageId: p.messageId,
      memo: `fee earned, split by policy v${p.split.version}`,
      postings: [
        { account: accounts.feesUnearned(c), amount: p.fee, currency, chainId: c },
        { account: accounts.gasRecovery(c), amount: -recovered, currency, chainId: c },
        { account: accounts.burn(c), amount: -parts.burn, currency, chainId: c },
        { account: accounts.staking(c), amount: -parts.staking, currency, chainId: c },
        { account: accounts.treasury(c), amount: -parts.treasury, currency, chainId: c },
      ],
    }),
  };
}

/** Splits a transaction's gas cost over its messages: equal shares, the remainder to the first, summing exactly. */
export function gasShares(total: bigint, count: number): bigint[] {
  if (count <= 0) return [];
  const share = total / BigInt(count);
  const shares = new Array<bigint>(count).fill(share);
  shares[0] = share + (total - share * BigInt(count));
  return shares;
}
