import type { BootstrapHttpAppReturnType } from '@interop/infra';
import { ANVIL_PRIVATE_KEYS } from '@interop/infra/testing/anvil';
import { encodeFunctionData, parseEventLogs, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { interopHandlerAbi } from '@interop/contracts';

import { fixtureAbi } from '../../../contracts/test/helpers/fixtures';
import { A_ID, ADMIN_TOKEN, api, B_ID, BridgeNetwork, waitFor, type MessageJson, type SentMessage } from './harness';

jest.setTimeout(600_000);

/** The harness's relayer key (RELAYER_PRIVATE_KEY of BridgeNetwork.bridgeConfig). */
const RELAYER = privateKeyToAccount(ANVIL_PRIVATE_KEYS[7]).address;

/**
 * The pipelined relayer against real parts (Kafka, Postgres, anvil at production depths): a round sends several
 * execution transactions to one destination with locally managed nonces before any is mined, sized from the block
 * gas limit and the calldata cap, and a bridge stopped with several of them in flight (one dropped by the node)
 * resolves every one on restart without sending anything twice.
 */
describe('pipelined relay (real Kafka, Postgres, anvil)', () => {
  const net = new BridgeNetwork();
  let bridge: BootstrapHttpAppReturnType | undefined;
  let recorder: Address;
  const b = () => net.l2(B_ID);
  const rpc = (method: string, params: unknown[] = []) =>
    b().publicClient.request({ method: method as never, params: params as never });
  const automine = (on: boolean) => rpc('evm_setAutomine', [on]);
  const status = async (id: Hex) => (await api('GET', `${bridge!.url}/messages/${id}`)).body as MessageJson;
  const all = (sent: SentMessage[], wanted: string) =>
    waitFor(`${sent.length} messages ${wanted}`, async () => {
      const list = await Promise.all(sent.map((s) => status(s.id)));
      return list.every((m) => m.status === wanted) ? list : undefined;
    });
  const send = (count: number, tag: number) =>
    net.sendCalls(
      A_ID,
      B_ID,
      recorder,
      Array.from({ length: count }, (_, i) =>
        encodeFunctionData({
          abi: fixtureAbi('CallRecorder'),
          functionName: 'record',
          args: [`0x${(tag * 1000 + i).toString(16).padStart(6, '0')}`],
        }),
      ),
    );
  const relayerNonce = () => b().publicClient.getTransactionCount({ address: RELAYER });
  const pendingInPool = async () => {
    const s = (await rpc('txpool_status')) as { pending: Hex | number };
    return Number(s.pending);
  };
  /** Each message executed once on B, and its three journal entries. */
  const checkOnceAndBooked = async (sent: SentMessage[]) => {
    const logs = await b().publicClient.getLogs({ address: b().handler, fromBlock: 0n });
    const executed = parseEventLogs({ abi: interopHandlerAbi, logs, eventName: 'MessageExecuted' }).map((l) =>
      l.args.messageId.toLowerCase(),
    );
    for (const s of sent) {
      expect(executed.filter((id) => id === s.id.toLowerCase())).toHaveLength(1);
      const entries = (
        await api('GET', `${bridge!.url}/accounting/entries?messageId=${s.id}&limit=10`, undefined, ADMIN_TOKEN)
      ).body.items as Array<{ kind: string }>;
      expect(entries.map((e) => e.kind).sort()).toEqual(['fee_charged', 'fee_earned', 'relay_gas']);
    }
  };

  beforeAll(async () => {
    await net.start('pipeline');
    recorder = await net.deploy(net.l2(B_ID), 'CallRecorder', [net.l2(B_ID).handler]);
  });

  afterAll(async () => {
    await automine(true).catch(() => undefined);
    await bridge?.app.close();
    await net.stop();
  });

  it('sends one round as several transactions sized from the block gas limit, all mined in one block', async () => {
    // 10% of anvil's 30M block: 3,000,000 gas per transaction. Worst case with the defaults: 100,000 + 1,000,000
    // for the batch + (100,000 + 150,000 gasLimit) per message -> 7 messages per transaction.
    // A receipt wait longer than the test: were a transaction sent only after the previous one's receipt, the second
    // would never reach the pool while mining is off.
    bridge = await net.startBridge({ RELAY_TX_GAS_PERCENT: 10, RECEIPT_TIMEOUT_MS: 3_600_000 });
    const sent = await send(20, 1);
    const root = await net.settle([await net.publishBatch(sent)], false);
    const nonceBefore = await relayerNonce();
    await automine(false);
    try {
      await net.publishRoot(root);
      const relaying = await all(sent, 'relaying');
      const txs = new Map<string, number>();
      for (const m of relaying) txs.set(m.dstTxHash!, (txs.get(m.dstTxHash!) ?? 0) + 1);
      expect([...txs.values()].sort((x, y) => y - x)).toEqual([7, 7, 6]);
      // All three are waiting in the node's pool at once, with consecutive nonces.
      expect(await pendingInPool()).toBe(3);
      const nonces = await Promise.all(
        [...txs.keys()].map(async (hash) => (await b().publicClient.getTransaction({ hash: hash as Hex })).nonce),
      );
      expect(nonces.sort((x, y) => x - y)).toEqual([nonceBefore, nonceBefore + 1, nonceBefore + 2]);
      await rpc('evm_mine');
      const done = await all(sent, 'executed');
      const blocks = await Promise.all(
        [...txs.keys()].map(
          async (hash) => (await b().publicClient.getTransactionReceipt({ hash: hash as Hex })).blockNumber,
        ),
      );
      expect(new Set(blocks).size).toBe(1);
      for (const m of done)
        expect(m.timeline.map((e) => e.status)).toEqual(['sent', 'batched', 'proven', 'relaying', 'executed']);
    } finally {
      await automine(true);
    }
    expect(await relayerNonce()).toBe(nonceBefore + 3);
    await checkOnceAndBooked(sent);
  });

  it('a bridge stopped with several transactions in flight, one of them dropped by the node, resolves all on restart', async () => {
    await bridge?.app.close();
    // About 2.4 kB of calldata per message: 10,000 bytes -> 4 messages per transaction.
    const limits = { RELAY_MAX_TX_BYTES: 10_000, RECEIPT_TIMEOUT_MS: 3_600_000 };
    bridge = await net.startBridge(limits);
    const sent = await send(16, 2);
    const root = await net.settle([await net.publishBatch(sent)], false);
    const nonceBefore = await relayerNonce();
    let txs: string[];
    await automine(false);
    try {
      await net.publishRoot(root);
      const relaying = await all(sent, 'relaying');
      txs = [...new Set(relaying.map((m) => m.dstTxHash!))];
      expect(txs).toHaveLength(4);
      expect(await pendingInPool()).toBe(4);
      await bridge.app.close();
      bridge = undefined;
      // The node loses the second transaction (nonce + 1): the ones after it wait behind the gap.
      const byNonce = await Promise.all(
        txs.map(async (hash) => ({
          hash,
          nonce: (await b().publicClient.getTransaction({ hash: hash as Hex })).nonce,
        })),
      );
      byNonce.sort((x, y) => x.nonce - y.nonce);
      await rpc('anvil_dropTransaction', [byNonce[1]!.hash]);
      await rpc('evm_mine');
    } finally {
      await automine(true);
    }
    // Only the first was mined; the bridge restarts with the other three `relaying`.
    expect(await relayerNonce()).toBe(nonceBefore + 1);
    bridge = await net.startBridge(limits);
    const done = await all(sent, 'executed');
    for (const m of done) {
      expect(m.timeline.map((e) => e.status)).toEqual(['sent', 'batched', 'proven', 'relaying', 'executed']);
      expect(txs).toContain(m.dstTxHash);
    }
    // The dropped transaction was re-broadcast from its recorded bytes: nothing else was signed.
    expect(await relayerNonce()).toBe(nonceBefore + 4);
    await checkOnceAndBooked(sent);
    const reconcile = (await api('GET', `${bridge.url}/accounting/reconcile`, undefined, ADMIN_TOKEN)).body;
    expect(reconcile.mismatches).toEqual([]);
  });
});
