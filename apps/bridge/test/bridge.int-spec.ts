import { bridgedTokenAbi, interopCenterAbi, interopHandlerAbi, nativeTokenVaultAbi } from '@interop/contracts';
import type { BootstrapHttpAppReturnType } from '@interop/infra';
import { messageLeaf } from '@interop/protocol';
import { ANVIL_PRIVATE_KEYS } from '@interop/infra/testing/anvil';
import { encodeFunctionData, parseEventLogs, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { fixtureAbi } from '../../../contracts/test/helpers/fixtures';
import {
  A_ID,
  ADMIN_TOKEN,
  api,
  B_ID,
  BridgeNetwork,
  REAL_PROOFS,
  waitFor,
  type MessageJson,
  type SentMessage,
} from './harness';

jest.setTimeout(600_000);

const RELAYER_2_KEY = ANVIL_PRIVATE_KEYS[8];

/**
 * The bridge against real parts: Kafka, a scratch Postgres, three anvil nodes with the real contracts at production
 * depths, epochs of shape s4 settled on L1 (with real Groth16 proofs when circuits/build/s4 exists, see the harness's
 * REAL_PROOFS). The test publishes records as the chain apps and the hub would.
 */
describe(`bridge (real Kafka, Postgres, anvil; ${REAL_PROOFS ? 'real s4 proofs' : 'ExpectInputs verifier, s4 not built'})`, () => {
  const net = new BridgeNetwork();
  let bridge: BootstrapHttpAppReturnType | undefined;
  let second: BootstrapHttpAppReturnType | undefined;
  let token: Address;
  let recorder: Address;
  const user = () => net.l2(A_ID).wallets[4]!.account.address;

  const status = async (id: Hex) => (await api('GET', `${bridge!.url}/messages/${id}`)).body as MessageJson;
  const until = (id: Hex, wanted: string) =>
    waitFor<MessageJson>(`message ${id} ${wanted}`, async () => {
      const m = await status(id);
      return m.status === wanted ? m : undefined;
    });
  const executedEvents = async (id: Hex) => {
    const b = net.l2(B_ID);
    const logs = await b.publicClient.getContractEvents({
      address: b.handler,
      abi: interopHandlerAbi,
      eventName: 'MessageExecuted',
      args: { messageId: id },
      fromBlock: 0n,
    });
    return logs.length;
  };
  const entries = async (messageId: Hex) =>
    (await api('GET', `${bridge!.url}/accounting/entries?messageId=${messageId}&limit=500`, undefined, ADMIN_TOKEN))
      .body.items as Array<{ kind: string; postings: Array<{ account: string; amount: string; currency: string }> }>;
  const recordCall = (data: Hex) =>
    encodeFunctionData({ abi: fixtureAbi('CallRecorder'), functionName: 'record', args: [data] });
  const relayerNonce = (key: Hex) =>
    net.l2(B_ID).publicClient.getTransactionCount({ address: privateKeyToAccount(key).address });

  beforeAll(async () => {
    await net.start('main');
    token = await net.deploy(net.l2(A_ID), 'TestToken', ['Test Token', 'TT']);
    await net.write(net.l2(A_ID), {
      address: token,
      abi: fixtureAbi('TestToken'),
      functionName: 'mint',
      args: [user(), 10_000n],
    });
    recorder = await net.deploy(net.l2(B_ID), 'CallRecorder', [net.l2(B_ID).handler]);
    bridge = await net.startBridge();
  });

  afterAll(async () => {
    await second?.app.close();
    await bridge?.app.close();
    await net.stop();
  });

  it('refuses to start with tree depths other than the L1 InteropHub, naming the variable', async () => {
    await expect(net.startBridge({ depths: { ...net.config.depths, chainDepth: 16 } })).rejects.toThrow(
      /CHAIN_DEPTH: is 16, but the L1 InteropHub 0x[0-9a-fA-F]{40} has CHAIN_DEPTH\(\) = 20/,
    );
    await expect(net.startBridge({ depths: { ...net.config.depths, sharedDepth: 9 } })).rejects.toThrow(
      /SHARED_DEPTH: is 9, but .* has SHARED_DEPTH\(\) = 10/,
    );
  });

  it('quotes exactly what the source InteropCenter charges, and manages fee policies (admin)', async () => {
    const q = await api('GET', `${bridge!.url}/fees/quote?src=${A_ID}&dst=${B_ID}&bytes=100&gasLimit=200000`);
    const onChain = await net.l2(A_ID).publicClient.readContract({
      address: net.l2(A_ID).center,
      abi: interopCenterAbi,
      functionName: 'quoteFee',
      args: [BigInt(B_ID), 100n, 200_000n],
    });
    expect(q.status).toBe(200);
    expect(q.body.fee).toBe(onChain.toString());
    expect((await api('GET', `${bridge!.url}/fees/quote?src=${A_ID}&dst=999&bytes=1&gasLimit=1`)).body.error.code).toBe(
      'ROUTE_NOT_CONFIGURED',
    );
    const policy = { burnBps: 1_000, stakingBps: 4_000, treasuryBps: 5_000 };
    expect((await api('POST', `${bridge!.url}/fee-policies`, policy)).status).toBe(401);
    expect((await api('POST', `${bridge!.url}/fee-policies`, { ...policy, treasuryBps: 1 }, ADMIN_TOKEN)).status).toBe(
      400,
    );
    const created = await api('POST', `${bridge!.url}/fee-policies`, policy, ADMIN_TOKEN);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ version: 2, ...policy });
    const list = await api('GET', `${bridge!.url}/fee-policies`);
    expect((list.body as Array<{ version: number }>).map((p) => p.version)).toEqual([2, 1]);
  });

  it('bridges a token A -> B and back and calls a contract on B: statuses, balances, ledger, reconcile', async () => {
    // wallets[6]: ANVIL_PRIVATE_KEYS[5] is not one of anvil's funded accounts.
    const recipient = net.l2(B_ID).wallets[6]!.account.address;
    const out = await net.bridgeToken(A_ID, B_ID, token, 1_000n, recipient, fixtureAbi('TestToken'));
    const call = await net.sendCall(A_ID, B_ID, recorder, recordCall('0x5eed'));
    await net.settle([await net.publishBatch([out, call])]);
    const outDone = await until(out.id, 'executed');
    await until(call.id, 'executed');
    expect(outDone.timeline.map((e) => e.status)).toEqual(['sent', 'batched', 'proven', 'relaying', 'executed']);
    expect(outDone.inclusionProof).toMatchObject({ version: 1, proof: { epoch: '1', leafIndex: '0' } });
    expect(outDone.dstTxHash).toMatch(/^0x[0-9a-f]{64}$/);
    const b = net.l2(B_ID);
    const assetId = out.message.assetId;
    const bridgedToken = await b.publicClient.readContract({
      address: b.vault,
      abi: nativeTokenVaultAbi,
      functionName: 'bridgedTokenAddress',
      args: [assetId],
    });
    const balanceOnB = () =>
      b.publicClient.readContract({
        address: bridgedToken,
        abi: bridgedTokenAbi,
        functionName: 'balanceOf',
        args: [recipient],
      });
    expect(await balanceOnB()).toBe(1_000n);
    expect(
      await b.publicClient.readContract({
        address: recorder,
        abi: fixtureAbi('CallRecorder'),
        functionName: 'lastData',
      }),
    ).toBe('0x5eed');

    // ... and 400 back from B to A (burned on B, released from the lock on A).
    const back = await net.bridgeToken(B_ID, A_ID, bridgedToken, 400n, user(), undefined, 6);
    await net.settle([await net.publishBatch([back])]);
    await until(back.id, 'executed');
    expect(await balanceOnB()).toBe(600n);
    const a = net.l2(A_ID);
    expect(
      await a.publicClient.readContract({
        address: token,
        abi: fixtureAbi('TestToken'),
        functionName: 'balanceOf',
        args: [user()],
      }),
    ).toBe(9_400n);
    expect(
      await a.publicClient.readContract({
        address: a.vault,
        abi: nativeTokenVaultAbi,
        functionName: 'lockedBalance',
        args: [assetId],
      }),
    ).toBe(600n);

    // Ledger: the fee booked once, the gas of the destination, the net split by the active policy (v2: 10/40/50).
    for (const m of [out, call, back]) {
      const e = await entries(m.id);
      expect(e.map((x) => x.kind).sort()).toEqual(['fee_charged', 'fee_earned', 'relay_gas']);
      const earned = e.find((x) => x.kind === 'fee_earned')!;
      const amount = (prefix: string) =>
        -BigInt(earned.postings.find((p) => p.account.startsWith(prefix))?.amount ?? '0');
      const net_ = amount('liability:burn') + amount('liability:staking-rewards') + amount('liability:treasury');
      expect(net_ + amount('liability:relayer-gas-recovery')).toBe(m.message.fee);
      expect(amount('liability:burn')).toBe((net_ * 1_000n) / 10_000n);
      const gas = e.find((x) => x.kind === 'relay_gas')!.postings[0]!;
      expect(gas).toMatchObject({
        account: `expense:relayer-gas:${m.message.dstChainId}`,
        currency: `native:${m.message.dstChainId}`,
      });
    }
    const summary = (await api('GET', `${bridge!.url}/accounting/summary`, undefined, ADMIN_TOKEN)).body as {
      currencies: Array<{ currency: string; feesCharged: string; net: string; gasRecovered: string }>;
    };
    const a501 = summary.currencies.find((c) => c.currency === `native:${A_ID}`)!;
    expect(a501.feesCharged).toBe((out.message.fee + call.message.fee).toString());
    expect(BigInt(a501.net) + BigInt(a501.gasRecovered)).toBe(out.message.fee + call.message.fee);
    const reconcile = (await api('GET', `${bridge!.url}/accounting/reconcile`, undefined, ADMIN_TOKEN)).body;
    expect(reconcile.mismatches).toEqual([]);
    expect(reconcile.ok).toBe(true);
    expect(reconcile.supply).toEqual([
      expect.objectContaining({ assetId, lockedOnOrigin: '600', bridgedTotal: '600', inFlight: '0', ok: true }),
    ]);
    const page = await api('GET', `${bridge!.url}/messages?sender=${user()}&src=${A_ID}&limit=1`);
    expect(page.body.items).toHaveLength(1);
    const next = await api(
      'GET',
      `${bridge!.url}/messages?sender=${user()}&src=${A_ID}&limit=1&cursor=${page.body.nextCursor}`,
    );
    expect(new Set([page.body.items[0].id, next.body.items[0].id])).toEqual(new Set([out.id, call.id]));
    expect((await api('GET', `${bridge!.url}/accounting/reconcile`)).status).toBe(401);

    // Prometheus: gauges read from the database agree with the status API.
    const metrics = await (await fetch(`${bridge!.url}/metrics`)).text();
    const gauge = (re: RegExp) => Number(re.exec(metrics)?.[1] ?? 'NaN');
    const executedToB = (await api('GET', `${bridge!.url}/messages?status=executed&dst=${B_ID}&limit=100`)).body.items
      .length as number;
    expect(gauge(new RegExp(`^bridge_messages\\{status="executed",dst_chain="${B_ID}"\\} (\\d+)$`, 'm'))).toBe(
      executedToB,
    );
    expect(gauge(/^bridge_journal_entries\{kind="fee_charged"\} (\d+)$/m)).toBeGreaterThanOrEqual(3);
    expect(gauge(/^bridge_relay_gas_used\{dst_chain="502"\} (\d+)$/m)).toBeGreaterThan(0);
    expect(metrics).toMatch(/^bridge_latest_settled_epoch [1-9]\d*$/m);
  });

  it('rejects a tampered batch and holds an unsettled one, with reasons, before any gas is spent', async () => {
    const nonceBefore = await relayerNonce(ANVIL_PRIVATE_KEYS[7]);
    const real = await net.sendCall(A_ID, B_ID, recorder, recordCall('0xaaaa'));
    // Kafka carries a forged copy (another payload) under the real batch root; L1 settles the real root.
    const forgedPayload = recordCall('0xbbbb');
    const forged: SentMessage = { ...real, message: { ...real.message, payload: forgedPayload } };
    const forgedId = messageLeaf(forged.message);
    const tamperedUpdate = await net.publishBatch([real], () => forged.message);
    await net.settle([tamperedUpdate]);
    const rejected = await until(forgedId, 'failed');
    expect(rejected.lastError).toMatch(/^BATCH_ROOT_MISMATCH: /);
    expect((await api('GET', `${bridge!.url}/messages/${real.id}`)).status).toBe(404);

    const held = await net.sendCall(A_ID, B_ID, recorder, recordCall('0xcccc'));
    const heldUpdate = await net.publishBatch([held]);
    const waiting = await waitFor<MessageJson>('held message', async () => {
      const m = await status(held.id);
      return m.status === 'batched' && m.lastError ? m : undefined;
    });
    expect(waiting.lastError).toMatch(/^BATCH_NOT_SETTLED: /);
    // Nothing was sent for either: the relayer's nonce on B did not move and the handler never saw them.
    expect(await relayerNonce(ANVIL_PRIVATE_KEYS[7])).toBe(nonceBefore);
    const statuses = await Promise.all(
      [real.id, forgedId, held.id].map((id) =>
        net.l2(B_ID).publicClient.readContract({
          address: net.l2(B_ID).handler,
          abi: interopHandlerAbi,
          functionName: 'messageStatus',
          args: [id],
        }),
      ),
    );
    expect(statuses).toEqual([0, 0, 0]);

    // Once L1 settles it, the held batch is relayed; once the real record of the tampered batch arrives (the chain
    // app publishing it again), the forgery no longer blocks it.
    await net.settle([heldUpdate]);
    await until(held.id, 'executed');
    await net.republish(real, tamperedUpdate.batchNumber);
    await until(real.id, 'executed');
    // A forgery arriving after the batch verified is failed at once (another nonce and payload: another message).
    const late = { ...real.message, nonce: real.message.nonce + 1_000n, payload: recordCall('0xbbbc') };
    await net.republish({ ...real, message: late }, tamperedUpdate.batchNumber, tamperedUpdate.batchRoot);
    expect((await until(messageLeaf(late), 'failed')).lastError).toMatch(/^BATCH_ROOT_MISMATCH: .* verified without/);
    // The forged message gave way to the verified one with its (source, nonce, sender).
    expect((await api('GET', `${bridge!.url}/messages/${forgedId}`)).status).toBe(404);
  });

  it('a recipient that reverts is failed with its reason; the admin retry re-delivers it', async () => {
    await net.write(net.l2(B_ID), {
      address: recorder,
      abi: fixtureAbi('CallRecorder'),
      functionName: 'setShouldFail',
      args: [true],
    });
    const m = await net.sendCall(A_ID, B_ID, recorder, recordCall('0xdddd'));
    await net.settle([await net.publishBatch([m])]);
    const failed = await until(m.id, 'failed');
    expect(failed.onChainStatus).toBe('FAILED');
    expect(failed.lastError).toMatch(/^RECIPIENT_REVERTED: 0x/);
    expect((await api('POST', `${bridge!.url}/messages/${m.id}/retry`, undefined, ADMIN_TOKEN)).body.error.code).toBe(
      'RETRY_FAILED',
    );
    await net.write(net.l2(B_ID), {
      address: recorder,
      abi: fixtureAbi('CallRecorder'),
      functionName: 'setShouldFail',
      args: [false],
    });
    const retried = await api('POST', `${bridge!.url}/messages/${m.id}/retry`, undefined, ADMIN_TOKEN);
    expect(retried.status).toBe(202);
    expect(retried.body.action).toBe('retried');
    expect((await status(m.id)).status).toBe('executed');
    expect((await entries(m.id)).filter((e) => e.kind === 'fee_earned')).toHaveLength(1);
  });

  it('a message the handler refuses is retried with backoff, failed after MAX_ATTEMPTS, and re-queued by an admin', async () => {
    // A CALL to the vault is refused by the handler (ForbiddenRecipient): every estimate reverts, nothing is mined.
    const nonceBefore = await relayerNonce(ANVIL_PRIVATE_KEYS[7]);
    const m = await net.sendCall(A_ID, B_ID, net.l2(B_ID).vault, '0x');
    await net.settle([await net.publishBatch([m])]);
    const failed = await until(m.id, 'failed');
    expect(failed.lastError).toMatch(/^RELAY_REJECTED: ForbiddenRecipient/);
    expect(failed.onChainStatus).toBeNull();
    const attempts = failed.timeline.filter((e) => e.status === 'proven').length;
    expect(attempts).toBe(net.config.MAX_ATTEMPTS); // the first `proven` plus one per retried attempt
    expect(await relayerNonce(ANVIL_PRIVATE_KEYS[7])).toBe(nonceBefore);
    expect((await api('POST', `${bridge!.url}/messages/${m.id}/retry`)).status).toBe(401);
    const requeued = await api('POST', `${bridge!.url}/messages/${m.id}/retry`, undefined, ADMIN_TOKEN);
    expect(requeued.body).toEqual({ id: m.id, action: 'requeued' });
    const again = await waitFor<MessageJson>('the second round of attempts', async () => {
      const x = await status(m.id);
      return x.status === 'failed' && x.timeline.filter((e) => e.status === 'proven').length > attempts ? x : undefined;
    });
    expect(again.lastError).toMatch(/^RELAY_REJECTED: /);
    const notFailed = await api('POST', `${bridge!.url}/messages/0x${'ab'.repeat(32)}/retry`, undefined, ADMIN_TOKEN);
    expect(notFailed.status).toBe(404);
  });

  it('two relayers racing execute each message once and book each fee once', async () => {
    second = await net.startBridge({
      INTAKE_ENABLED: false,
      RELAYER_PRIVATE_KEY: RELAYER_2_KEY,
      RELAY_BATCH_SIZE: 1,
    });
    const sent: SentMessage[] = [];
    for (let i = 0; i < 4; i++) sent.push(await net.sendCall(A_ID, B_ID, recorder, recordCall(`0x0${i}` as Hex)));
    await net.settle([await net.publishBatch(sent)]);
    for (const s of sent) await until(s.id, 'executed');
    for (const s of sent) {
      expect(await executedEvents(s.id)).toBe(1);
      const kinds = (await entries(s.id)).map((e) => e.kind);
      expect(kinds.filter((k) => k === 'fee_charged')).toHaveLength(1);
      expect(kinds.filter((k) => k === 'fee_earned')).toHaveLength(1);
    }
    await second.app.close();
    second = undefined;
  });

  it('a bridge closed after sending and before recording the outcome resolves it on restart, once', async () => {
    const b = net.l2(B_ID);
    const m = await net.sendCall(A_ID, B_ID, recorder, recordCall('0xeeee'));
    const root = await net.settle([await net.publishBatch([m])], false);
    // Transactions on B now wait in the mempool: the relayer's transaction is sent but cannot be mined yet.
    await b.publicClient.request({ method: 'evm_setAutomine' as never, params: [false] as never });
    try {
      await net.publishRoot(root);
      const relaying = await until(m.id, 'relaying');
      expect(relaying.dstTxHash).toMatch(/^0x/);
      await bridge!.app.close();
      bridge = undefined;
      await b.publicClient.request({ method: 'evm_mine' as never, params: [] as never });
    } finally {
      await b.publicClient.request({ method: 'evm_setAutomine' as never, params: [true] as never });
    }
    bridge = await net.startBridge();
    const done = await until(m.id, 'executed');
    expect(done.timeline.map((e) => e.status)).toEqual(['sent', 'batched', 'proven', 'relaying', 'executed']);
    expect(await executedEvents(m.id)).toBe(1);
    const kinds = (await entries(m.id)).map((e) => e.kind).sort();
    expect(kinds).toEqual(['fee_charged', 'fee_earned', 'relay_gas']);
    const reconcile = (await api('GET', `${bridge.url}/accounting/reconcile`, undefined, ADMIN_TOKEN)).body;
    expect(reconcile.mismatches).toEqual([]);
  });

  it('dead-letters a malformed record and shared roots that do not replay, and keeps consuming', async () => {
    await net.producer.send(net.config.TOPIC_MESSAGES, A_ID, '{"v":1,"broken"');
    const m = await net.sendCall(A_ID, B_ID, recorder, recordCall('0xffff'));
    const update = await net.publishBatch([m]);
    const real = await net.settle([update], false);
    // Forged records of the same epoch first: a root that is not what its updates give, and the right root with a
    // chain root its operator did not sign (the previous shared root: a canonical field element, not A's tree).
    await net.publishRoot({ ...real, root: `0x${'12'.repeat(32)}` });
    await net.publishRoot({ ...real, updates: real.updates.map((u) => ({ ...u, chainRoot: real.prevRoot })) });
    await net.publishRoot(real);
    await until(m.id, 'executed');
    const { readTopic } = await import('@interop/infra/testing/kafkaReadTopic');
    const dead = await readTopic({
      brokers: net.brokers,
      topic: net.config.TOPIC_DEAD_LETTER,
      until: (r) => r.length >= 3,
    });
    const letters = dead.map(
      (r) => JSON.parse(r.value!.toString()) as { errorCode: string; sourceTopic: string; reason: string },
    );
    expect(letters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ errorCode: 'MALFORMED_JSON', sourceTopic: net.config.TOPIC_MESSAGES }),
        expect.objectContaining({ errorCode: 'SHARED_ROOT_INVALID', sourceTopic: net.config.TOPIC_SHARED_ROOTS }),
        expect.objectContaining({
          errorCode: 'CHAIN_ROOT_MISMATCH',
          sourceTopic: net.config.TOPIC_SHARED_ROOTS,
          reason: expect.stringContaining(`update 0 (chain ${A_ID}, batch ${update.batchNumber}) carries chainRoot`),
        }),
      ]),
    );
    const docs = await api('GET', `${bridge!.url}/docs-json`);
    expect(Object.keys(docs.body.paths as Record<string, unknown>)).toEqual(
      expect.arrayContaining(['/messages/{id}', '/messages', '/fees/quote', '/fee-policies', '/accounting/reconcile']),
    );
    const logs = await net.l2(B_ID).publicClient.getLogs({ address: net.l2(B_ID).handler, fromBlock: 0n });
    const ids = parseEventLogs({ abi: interopHandlerAbi, logs, eventName: 'MessageExecuted' }).map(
      (l) => l.args.messageId,
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('no record stops the intake: hostile records on both topics dead-lettered once, bounded; a message after them executes', async () => {
    const { createKafkaClient, deadLetterRecordSchema } = await import('@interop/infra');
    const { hostileRecords, sendHostileRecords } = await import('@interop/infra/testing/hostileRecords');
    const { readTopic } = await import('@interop/infra/testing/kafkaReadTopic');
    const { logLevel } = await import('kafkajs');
    const started = Date.now() - 1_000;
    const raw = createKafkaClient({
      brokers: net.brokers,
      clientId: 'hostile',
      fast: true,
      logLevel: logLevel.NOTHING,
    }).producer({ allowAutoTopicCreation: false });
    await raw.connect();
    try {
      for (const topic of [net.config.TOPIC_MESSAGES, net.config.TOPIC_SHARED_ROOTS]) {
        expect((await sendHostileRecords(raw, topic, String(A_ID))).overLimitRefused).toBe(true);
      }
    } finally {
      await raw.disconnect();
    }
    const m = await net.sendCall(A_ID, B_ID, recorder, recordCall('0xfeed'));
    const update = await net.publishBatch([m]);
    await net.settle([update]);
    await until(m.id, 'executed');

    const hostile = hostileRecords();
    const of = (records: readonly { value: Buffer | null }[], topic: string) =>
      records
        .map((r) => ({ bytes: r.value!.length, d: deadLetterRecordSchema.parse(JSON.parse(r.value!.toString())) }))
        .filter(({ d }) => d.sourceTopic === topic && d.key === String(A_ID) && Date.parse(d.at) >= started);
    const dead = await readTopic({
      brokers: net.brokers,
      topic: net.config.TOPIC_DEAD_LETTER,
      until: (r) =>
        of(r, net.config.TOPIC_MESSAGES).length >= hostile.length &&
        of(r, net.config.TOPIC_SHARED_ROOTS).length >= hostile.length,
    });
    for (const topic of [net.config.TOPIC_MESSAGES, net.config.TOPIC_SHARED_ROOTS]) {
      const letters = of(dead, topic);
      expect(letters.map(({ d }) => d.valueBytes)).toEqual(hostile.map((h) => h.value?.length ?? 0));
      for (const { bytes } of letters) expect(bytes).toBeLessThan(16_384);
    }
    const health = await api('GET', `${bridge!.url}/health`);
    expect(health.body.checks['kafka-consumers']).toMatchObject({
      status: 'up',
      details: { 'bridge.intake': { state: 'running', restarts: 0, deadLettersDropped: 0 } },
    });
  });
});
