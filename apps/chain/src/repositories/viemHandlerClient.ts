import { interopHandlerAbi } from '@interop/contracts';
import {
  createWalletClient,
  type Account,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem';

import type { HandlerClient } from '../domain/ports';
import { TransactionRevertedError } from '../errors/chainErrors';

/** `HandlerClient` over viem: reads the L2 InteropHandler and imports roots with the operator account. */
export class ViemHandlerClient implements HandlerClient {
  private readonly wallet: WalletClient<Transport, Chain, Account>;

  constructor(
    private readonly client: PublicClient,
    private readonly handler: Address,
    operator: Account,
    chain: Chain,
    transport: Transport,
  ) {
    this.wallet = createWalletClient({ account: operator, chain, transport });
  }

  sharedRootAt(epoch: bigint): Promise<Hex> {
    return this.client.readContract({
      address: this.handler,
      abi: interopHandlerAbi,
      functionName: 'sharedRootAt',
      args: [epoch],
    });
  }

  latestEpoch(): Promise<bigint> {
    return this.client.readContract({ address: this.handler, abi: interopHandlerAbi, functionName: 'latestEpoch' });
  }

  async importSharedRoot(epoch: bigint, root: Hex): Promise<Hex> {
    const hash = await this.wallet.writeContract({
      address: this.handler,
      abi: interopHandlerAbi,
      functionName: 'importSharedRoot',
      args: [epoch, root],
    });
    const receipt = await this.client.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new TransactionRevertedError(`importSharedRoot(${epoch})`, hash);
    return hash;
  }
}
