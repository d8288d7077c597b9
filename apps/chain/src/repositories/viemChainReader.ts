import { interopCenterAbi } from '@interop/contracts';
import type { InteropMessage } from '@interop/protocol';
import {
  BlockNotFoundError,
  decodeAbiParameters,
  getAbiItem,
  hexToBigInt,
  hexToNumber,
  numberToHex,
  toEventSelector,
  type Address,
  type Hex,
  type PublicClient,
} from 'viem';

import type { ChainReader } from '../domain/ports';
import type { BlockRef, SeenMessage } from '../domain/types';

/**
 * `MessageSent(bytes32 indexed messageId, uint64 indexed dstChainId, uint64 nonce, InteropMessage message)`: the
 * message id is topic 1, the data holds (nonce, message).
 */
const MESSAGE_SENT = getAbiItem({ abi: interopCenterAbi, name: 'MessageSent' });
const MESSAGE_SENT_TOPIC = toEventSelector(MESSAGE_SENT);
const MESSAGE_SENT_DATA = [MESSAGE_SENT.inputs[2], MESSAGE_SENT.inputs[3]] as const;
if (MESSAGE_SENT.inputs.some((input, i) => i < 2 !== ('indexed' in input && input.indexed === true))) {
  throw new Error('InteropCenter MessageSent: expected two indexed inputs (messageId, dstChainId), then the data');
}

/**
 * `ChainReader` over viem: block headers and InteropCenter `MessageSent` logs of the L2. The logs are fetched with
 * one `eth_getLogs` filtered by address and the event's topic (so every log is a MessageSent), and their data is
 * decoded with viem's `decodeAbiParameters`: `getContractEvents` costs about 0.15 ms of CPU per log (it matches each
 * log against every event of the ABI, hashing their signatures, and formats it), this a third of that (bench/chain).
 */
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
    const logs = await this.client.request({
      method: 'eth_getLogs',
      params: [
        {
          address: this.center,
          topics: [MESSAGE_SENT_TOPIC],
          fromBlock: numberToHex(from),
          toBlock: numberToHex(to),
        },
      ],
    });
    return logs
      .filter((log) => !log.removed)
      .map((log) => {
        const messageId = log.topics[1];
        if (log.topics[0] !== MESSAGE_SENT_TOPIC || messageId === undefined || messageId === null) {
          throw new Error(`log ${log.blockNumber}/${log.logIndex} is not a MessageSent event`);
        }
        const [, m] = decodeAbiParameters(MESSAGE_SENT_DATA, log.data);
        const message: InteropMessage = { ...m, kind: m.kind };
        return {
          messageId: messageId.toLowerCase() as Hex,
          blockNumber: hexToBigInt(log.blockNumber!),
          blockHash: log.blockHash!,
          logIndex: hexToNumber(log.logIndex!),
          txHash: log.transactionHash!,
          message,
        };
      })
      .sort((a, b) =>
        a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
      );
  }
}
