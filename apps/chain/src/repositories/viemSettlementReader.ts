import { parseAbi, type Address, type Hex, type PublicClient } from 'viem';

import type { ChainDepthReader, SettlementReader } from '../domain/ports';
import type { SettledRoot } from '../domain/types';

/**
 * The two InteropHub fragments the chain app reads (SPEC "L1 settlement", "Depths"), spelled out instead of taken
 * from the generated ABI: the app depends on these signatures only.
 */
export const interopHubReadAbi = parseAbi([
  'event RootSubmitted(uint64 indexed epoch, bytes32 prevRoot, bytes32 newRoot, uint256 batchCount, uint32 shapeId)',
  'function CHAIN_DEPTH() view returns (uint8)',
]);

/** `SettlementReader` over viem: InteropHub `RootSubmitted` events on L1, and its `CHAIN_DEPTH`. */
export class ViemSettlementReader implements SettlementReader, ChainDepthReader {
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

  chainDepth(): Promise<number> {
    return this.client.readContract({ address: this.hub, abi: interopHubReadAbi, functionName: 'CHAIN_DEPTH' });
  }

  async rootSubmittedLogs(from: bigint, to: bigint): Promise<SettledRoot[]> {
    const logs = await this.client.getContractEvents({
      address: this.hub,
      abi: interopHubReadAbi,
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
