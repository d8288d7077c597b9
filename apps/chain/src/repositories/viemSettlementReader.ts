import { interopHubAbi } from '@interop/contracts';
import type { Address, Hex, PublicClient } from 'viem';

import type { SettlementReader } from '../domain/ports';
import type { SettledRoot } from '../domain/types';

/** `SettlementReader` over viem: InteropHub `RootSubmitted` events on L1. */
export class ViemSettlementReader implements SettlementReader {
  constructor(
    private readonly client: PublicClient,
    private readonly hub: Address,
  ) {}

  headNumber(): Promise<bigint> {
    return this.client.getBlockNumber({ cacheTime: 0 });
  }

  async blockHash(number: bigint): Promise<Hex> {
    return (await this.client.getBlock({ blockNumber: number })).hash;
  }

  async rootSubmittedLogs(from: bigint, to: bigint): Promise<SettledRoot[]> {
    const logs = await this.client.getContractEvents({
      address: this.hub,
      abi: interopHubAbi,
      eventName: 'RootSubmitted',
      fromBlock: from,
      toBlock: to,
      strict: true,
    });
    return logs
      .map((log) => ({
        epoch: log.args.epoch,
        prevRoot: log.args.prevRoot,
        root: log.args.newRoot,
        l1Block: log.blockNumber,
        l1TxHash: log.transactionHash,
        logIndex: log.logIndex,
      }))
      .sort((a, b) => (a.epoch < b.epoch ? -1 : a.epoch > b.epoch ? 1 : 0));
  }
}
