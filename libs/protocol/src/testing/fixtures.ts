import type { Hex } from 'viem';
import type { InteropMessage } from '../message/interopMessage';
import { MessageKind } from '../message/messageKind';

/** anvil's well-known account 0 (public test key, never holds real funds). */
export const ANVIL_KEY_0: Hex = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
export const ANVIL_ADDRESS_0 = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

/** A deterministic CALL message for tests; `over` replaces fields. */
export function sampleMessage(over: Partial<InteropMessage> = {}): InteropMessage {
  return {
    srcChainId: 31337n,
    dstChainId: 31338n,
    nonce: 0n,
    sender: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    recipient: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
    kind: MessageKind.CALL,
    payload: '0xdeadbeef',
    assetId: `0x${'00'.repeat(32)}`,
    amount: 0n,
    fee: 1000n,
    gasLimit: 200_000n,
    ...over,
  };
}
