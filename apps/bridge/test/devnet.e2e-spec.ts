/**
 * The bridge on the whole devnet (libs/devnet): real Kafka, Postgres, anvil L1 + two L2s, and the hub, both chain
 * apps and the bridge as their own processes. Users act through the contracts only; what the test checks comes from
 * the chains (balances, handler events) and the bridge's APIs.
 */
import { join } from 'node:path';

import { interopHandlerAbi } from '@interop/contracts';
import {
  DEVNET_KEYS,
  DevnetUser,
  demoArtifact,
  httpJson,
  pollUntil,
  startDevnet,
  waitForMessage,
  type Devnet,
  type SentMessage,
} from '@interop/devnet';
import { createScratchDatabase, type ScratchDatabase } from '@interop/infra/prisma/createScratchDatabase';
import { freePort } from '@interop/infra/testing/anvil';
import { requireKafkaBrokers } from '@interop/infra/testing/kafkaBrokers';
import { uniqueKafkaName } from '@interop/infra/testing/kafkaNames';
import { createPublicClient, http, parseEventLogs, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { migrate } from '../../../scripts/migrate';

jest.setTimeout(240_000);

type Entry = { kind: string; messageId: string | null; idempotencyKey: string; postings: Array<{ amount: string }> };

describe('bridge on the devnet (e2e)', () => {
  let devnet: Devnet;
  let user: DevnetUser;
  let token: Address;
  let recorder: Address;
  const A = 901n;
  const B = 902n;
  const extraDbs: ScratchDatabase[] = [];

  beforeAll(async () => {
    devnet = await startDevnet({
      kafkaBrokers: requireKafkaBrokers(),
      logDir: join(__dirname, '..', '..', '..', '.cache', 'e2e', `bridge-${Date.now()}`),
    });
    user = new DevnetUser(devnet, DEVNET_KEYS.users[0]);
    token = await user.createToken(A, 'Alpha Token', 'ALPHA', 100_000n);
    recorder = await user.deployRecorder(B);
  });

  afterAll(async () => {
    await devnet?.stop();
    for (const db of extraDbs) await db.drop();
  });

  /** Every MessageExecuted event of the handler of `chainId`, by message id. */
  async function executions(chainId: bigint): Promise<Map<string, number>> {
    const chain = devnet.chain(chainId);
    const client = createPublicClient({ transport: http(chain.rpcUrl) });
    const logs = await client.getLogs({ address: chain.handler, fromBlock: 0n, toBlock: 'latest' });
    const counts = new Map<string, number>();
    for (const log of parseEventLogs({ abi: interopHandlerAbi, logs, eventName: 'MessageExecuted' })) {
      counts.set(log.args.messageId, (counts.get(log.args.messageId) ?? 0) + 1);
    }
    return counts;
  }

  async function entries(bridgeUrl: string, messageId: string): Promise<Entry[]> {
    const res = await httpJson(
      'GET',
      `${bridgeUrl}/accounting/entries?messageId=${messageId}&limit=100`,
      undefined,
      devnet.adminToken,
    );
    expect(res.status).toBe(200);
    return (res.body as { items: Entry[] }).items;
  }

  async function reconcile(bridgeUrl = devnet.bridgeUrl): Promise<{ ok: boolean; mismatches: unknown[] }> {
    const res = await httpJson('GET', `${bridgeUrl}/accounting/reconcile`, undefined, devnet.adminToken);
    expect(res.status).toBe(200);
    return res.body as { ok: boolean; mismatches: unknown[] };
  }

  function expectOneFeeEach(list: Entry[], sent: SentMessage): void {
    const kinds = list.map((e) => e.kind).sort();
    expect(kinds.filter((k) => k === 'fee_charged')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'fee_earned')).toHaveLength(1);
    const charged = list.find((e) => e.kind === 'fee_charged')!;
    const debit = charged.postings.map((p) => BigInt(p.amount)).find((a) => a > 0n);
    expect(debit).toBe(sent.message.fee);
    for (const e of list) expect(e.postings.reduce((s, p) => s + BigInt(p.amount), 0n)).toBe(0n);
  }

  it('bridges an ERC-20 A -> B and back and calls a contract on B: timelines, balances, ledger, reconciliation', async () => {
    const out = await user.bridge(A, B, token, 1_000n);
    const call = await user.send(A, B, recorder, DevnetUser.recordCall('0x5eed'));
    const [outView, callView] = await Promise.all([
      waitForMessage(devnet.bridgeUrl, out.id, { timeoutMs: 120_000 }),
      waitForMessage(devnet.bridgeUrl, call.id, { timeoutMs: 120_000 }),
    ]);
    for (const v of [outView, callView]) {
      expect(v.timeline.map((e) => e.status)).toEqual(['sent', 'batched', 'proven', 'relaying', 'executed']);
      expect(v.dstTxHash).toMatch(/^0x[0-9a-f]{64}$/);
    }
    const bridged = await user.bridgedToken(B, out.message.assetId);
    expect(await user.balanceOf(B, bridged)).toBe(1_000n);
    const recorderState = createPublicClient({ transport: http(devnet.chain(B).rpcUrl) });
    expect(
      await recorderState.readContract({
        address: recorder,
        abi: demoArtifact('CallRecorder').abi,
        functionName: 'lastData',
      }),
    ).toBe('0x5eed');

    const back = await user.bridge(B, A, bridged, 400n);
    await waitForMessage(devnet.bridgeUrl, back.id, { timeoutMs: 120_000 });
    expect(await user.balanceOf(B, bridged)).toBe(600n);
    expect(await user.balanceOf(A, token)).toBe(100_000n - 1_000n + 400n);

    for (const m of [out, call, back]) {
      const list = await entries(devnet.bridgeUrl, m.id);
      expectOneFeeEach(list, m);
      expect(list.map((e) => e.kind)).toContain('relay_gas');
    }
    const executedOnB = await executions(B);
    expect(executedOnB.get(out.id)).toBe(1);
    expect(executedOnB.get(call.id)).toBe(1);
    expect((await executions(A)).get(back.id)).toBe(1);
    expect(await reconcile()).toMatchObject({ ok: true, mismatches: [] });
  });

  it('a second, independent relayer racing the first causes no double execution and no double fee', async () => {
    const db = await createScratchDatabase('bridge_e2e_second');
    extraDbs.push(db);
    await migrate(db.url);
    const second = await devnet.spawnBridge('bridge-2', {
      DATABASE_URL: db.url,
      RELAYER_PRIVATE_KEY: DEVNET_KEYS.secondRelayer,
      KAFKA_GROUP_ID: uniqueKafkaName('bridge-2'),
      PORT: String(await freePort()),
    });
    const secondUrl = `http://127.0.0.1:${second.spec.env.PORT}`;
    const b = devnet.chain(B);
    const nonces = async () =>
      Promise.all(
        [DEVNET_KEYS.relayer, DEVNET_KEYS.secondRelayer].map(async (k) =>
          BigInt((await rpc(b.rpcUrl, 'eth_getTransactionCount', [privateKeyToAccount(k).address, 'latest'])) as Hex),
        ),
      );
    const before = await nonces();
    // B mines every 2 s: both relayers see each message relayable in the same block window and both broadcast.
    await rpc(b.rpcUrl, 'evm_setIntervalMining', [2]);
    const sent: SentMessage[] = [];
    try {
      for (let i = 0; i < 6; i++) {
        sent.push(
          i % 2 === 0
            ? await user.bridge(A, B, token, 10n + BigInt(i))
            : await user.send(A, B, recorder, DevnetUser.recordCall(`0x0${i}`)),
        );
      }
      for (const m of sent) {
        await waitForMessage(devnet.bridgeUrl, m.id, { timeoutMs: 120_000 });
        await waitForMessage(secondUrl, m.id, { timeoutMs: 120_000 });
      }
    } finally {
      await rpc(b.rpcUrl, 'evm_setAutomine', [true]);
    }
    const after = await nonces();
    // Both relayers really sent relay transactions: the race happened.
    expect(after[0]! - before[0]!).toBeGreaterThan(0n);
    expect(after[1]! - before[1]!).toBeGreaterThan(0n);
    const executed = await executions(B);
    for (const m of sent) expect(executed.get(m.id)).toBe(1);
    for (const url of [devnet.bridgeUrl, secondUrl]) {
      for (const m of sent) expectOneFeeEach(await entries(url, m.id), m);
      expect(await reconcile(url)).toMatchObject({ ok: true, mismatches: [] });
    }
    await second.stop();
  });

  it('kill -9 of the bridge between broadcasting a relay transaction and recording it: nothing lost, nothing twice', async () => {
    const dst = devnet.chain(B);
    const rpcB = (method: string, params: unknown[] = []) => rpc(dst.rpcUrl, method, params);
    const relayer = privateKeyToAccount(DEVNET_KEYS.relayer).address;
    const nonce = async (tag: 'pending' | 'latest') =>
      BigInt((await rpcB('eth_getTransactionCount', [relayer, tag])) as Hex);
    const bridge = devnet.app('bridge');
    const sent: SentMessage[] = [];
    try {
      // B mines a block every 3 s: the chain app still imports roots there, and a relay transaction waits in the
      // mempool long enough to catch the bridge right after it broadcast it. Once seen, mining stops entirely.
      let caught = false;
      for (let attempt = 0; attempt < 3 && !caught; attempt++) {
        await rpcB('evm_setIntervalMining', [3]);
        sent.push(
          await user.bridge(A, B, token, 77n),
          await user.send(A, B, recorder, DevnetUser.recordCall('0xdead')),
        );
        await pollUntil(
          'a relay transaction in the mempool of B',
          async () => ((await nonce('pending')) > (await nonce('latest')) ? true : undefined),
          120_000,
          50,
        );
        await rpcB('evm_setIntervalMining', [0]);
        await rpcB('evm_setAutomine', [false]);
        caught = (await nonce('pending')) > (await nonce('latest'));
        if (caught) await bridge.kill('SIGKILL');
        else await rpcB('evm_setAutomine', [true]);
      }
      expect(bridge.running).toBe(false);
      await rpcB('evm_setAutomine', [true]);
      await rpcB('evm_mine');
      const nonceAfterMine = await nonce('latest');
      const executedByTheBroadcast = await executions(B);
      const left = sent.filter((m) => !executedByTheBroadcast.has(m.id)).length;
      expect(left).toBeLessThan(sent.length);
      await bridge.restart();
      for (const m of sent) {
        const v = await waitForMessage(devnet.bridgeUrl, m.id, { timeoutMs: 120_000 });
        expect(v.status).toBe('executed');
        expectOneFeeEach(await entries(devnet.bridgeUrl, m.id), m);
      }
      const executed = await executions(B);
      for (const m of sent) expect(executed.get(m.id)).toBe(1);
      // The restarted bridge found the receipt of the transaction it had broadcast and did not send it again: new
      // relay transactions only for messages that transaction did not carry (none when it carried them all).
      expect(await nonce('latest')).toBeLessThanOrEqual(nonceAfterMine + BigInt(left));
      expect(await reconcile()).toMatchObject({ ok: true, mismatches: [] });
    } finally {
      await rpcB('evm_setAutomine', [true]);
    }
  });
});

/** One JSON-RPC call to an anvil node (anvil_/evm_ methods viem has no typed action for). */
async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}
