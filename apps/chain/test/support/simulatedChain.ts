import { MessageKind, messageLeaf, type InteropMessage } from '@interop/protocol';
import { keccak256, toHex, zeroHash } from 'viem';

import type { ChainReader } from '../../src/domain/ports';
import type { BlockRef, SeenMessage } from '../../src/domain/types';

type SimBlock = BlockRef & { messages: InteropMessage[] };

/**
 * An in-memory chain for unit tests of the watcher: blocks link by parent hash, `reorg(n)` drops every block above
 * n so that the next `mine` calls build a competing fork (different hashes, same numbers).
 */
export class SimulatedChain implements ChainReader {
  readonly chainId: bigint;
  blocksList: SimBlock[] = [];
  private salt = 0;
  private nonce = 0n;

  constructor(chainId = 901n) {
    this.chainId = chainId;
    this.blocksList.push({ number: 0n, hash: keccak256(toHex('genesis')), parentHash: zeroHash, messages: [] });
  }

  /** A CALL message with the next nonce; `tag` makes the payload unique. */
  message(tag: number): InteropMessage {
    return {
      srcChainId: this.chainId,
      dstChainId: 902n,
      nonce: this.nonce++,
      sender: '0x00000000000000000000000000000000000000a1',
      recipient: '0x00000000000000000000000000000000000000b2',
      kind: MessageKind.CALL,
      payload: toHex(tag, { size: 4 }),
      assetId: zeroHash,
      amount: 0n,
      fee: 10n,
      gasLimit: 100_000n,
    };
  }

  mine(messages: InteropMessage[] = []): SimBlock {
    const parent = this.blocksList[this.blocksList.length - 1]!;
    const number = parent.number + 1n;
    const block = {
      number,
      parentHash: parent.hash,
      hash: keccak256(toHex(`${parent.hash}-${number}-${this.salt}`)),
      messages,
    };
    this.blocksList.push(block);
    return block;
  }

  mineEmpty(count: number): void {
    for (let i = 0; i < count; i++) this.mine();
  }

  /** Drops the blocks above `keep`; later blocks are a new fork. */
  reorg(keep: bigint): void {
    this.blocksList = this.blocksList.filter((b) => b.number <= keep);
    this.salt++;
  }

  headNumber(): Promise<bigint> {
    return Promise.resolve(this.blocksList[this.blocksList.length - 1]!.number);
  }

  block(number: bigint): Promise<BlockRef | null> {
    const b = this.blocksList.find((x) => x.number === number);
    return Promise.resolve(b ? { number: b.number, hash: b.hash, parentHash: b.parentHash } : null);
  }

  async blocks(from: bigint, to: bigint): Promise<BlockRef[]> {
    const out: BlockRef[] = [];
    for (let n = from; n <= to; n++) {
      const b = await this.block(n);
      if (b) out.push(b);
    }
    return out;
  }

  messageSentLogs(from: bigint, to: bigint): Promise<SeenMessage[]> {
    return Promise.resolve(
      this.blocksList
        .filter((b) => b.number >= from && b.number <= to)
        .flatMap((b) =>
          b.messages.map((message, logIndex) => ({
            messageId: messageLeaf(message),
            blockNumber: b.number,
            blockHash: b.hash,
            logIndex,
            txHash: keccak256(toHex(`${b.hash}-${logIndex}`)),
            message,
          })),
        ),
    );
  }
}
