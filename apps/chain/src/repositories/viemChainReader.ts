import { interopCenterAbi } from '@interop/contracts';
import type { InteropMessage } from '@interop/protocol';
import { BlockNotFoundError, type Address, type Hex, type PublicClient } from 'viem';

import type { ChainReader } from '../domain/ports';
import type { BlockRef, SeenMessage } from '../domain/types';

/** `ChainReader` over viem: block headers and InteropCenter `MessageSent` logs of the L2. */
export class ViemChainReader implements ChainReader {
  constructor(
    private readonly client: PublicClient,
    private readonly center: Address,
  ) {}

  headNumber(): Promise<bigint> {
    return this.client.getBlockNumber({ cacheTime: 0 });
  }

  async block(number: bigint): Promise<BlockRef | null> {
    try {
      const b = await this.client.getBlock({ blockNumber: number });
      return { number, hash: b.hash, parentHash: b.parentHash };
    } catch (e) {
      if (e instanceof BlockNotFoundError) return null;
      throw e;
    }
  }

  async blocks(from: bigint, to: bigint): Promise<BlockRef[]> {
    const numbers: bigint[] = [];
    for (let n = from; n <= to; n++) numbers.push(n);
    const blocks = await Promise.all(numbers.map((n) => this.block(n)));
    return blocks.filter((b): b is BlockRef => b !== null);
  }

  async messageSentLogs(from: bigint, to: bigint): Promise<SeenMessage[]> {
    const logs = await this.client.getContractEvents({
      address: this.center,
      abi: interopCenterAbi,
      eventName: 'MessageSent',
      fromBlock: from,
      toBlock: to,
      strict: true,
    });
    return logs
      .map((log) => {
        const m = log.args.message;
        const message: InteropMessage = { ...m, kind: m.kind };
        return {
          messageId: log.args.messageId.toLowerCase() as Hex,
          blockNumber: log.blockNumber,
          blockHash: log.blockHash,
          logIndex: log.logIndex,
          txHash: log.transactionHash,
          message,
        };
      })
      .sort((a, b) =>
        a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
      );
  }
}
