import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';

import {
  deployAggregationVerifier,
  deployInteropHub,
  deployL2Stack,
  interopCenterAbi,
  interopHandlerAbi,
  interopHubAbi,
  nativeTokenVaultAbi,
  submitRootArgs,
  type SolidityProofArgs,
} from '@interop/contracts';
import { KafkaProducerService, loadConfig, type BootstrapHttpAppReturnType } from '@interop/infra';
import { createScratchDatabase, type ScratchDatabase } from '@interop/infra/prisma/createScratchDatabase';
import { ANVIL_PRIVATE_KEYS } from '@interop/infra/testing/anvil';
import { requireKafkaBrokers } from '@interop/infra/testing/kafkaBrokers';
import { uniqueKafkaName } from '@interop/infra/testing/kafkaNames';
import {
  AggregationState,
  BatchTree,
  fieldToBytes32,
  interopHubDomain,
  messageLeaf,
  messageRecordToJson,
  PRODUCTION_DEPTHS,
  PRODUCTION_SHAPES,
  SHARED_ROOT_RECORD_KEY,
  shapeId,
  sharedRootRecordToJson,
  signBatchRoot,
  type InteropMessage,
  type SettledUpdate,
  type SharedRootRecord,
} from '@interop/protocol';
import { buildCircuitInput, circuitArtifacts, Prover, toSolidityProof } from '@interop/prover';
import { ensureCircuits } from '@interop/prover/testing/ensureCircuits';
import { parseEventLogs, toHex, type Address, type Hex } from 'viem';

import { NO_PROOF } from '../../../contracts/test/helpers/epochs';
import { deployFixture, fixtureAbi } from '../../../contracts/test/helpers/fixtures';
import { startTestChain, type TestChain } from '../../../contracts/test/helpers/testChain';
import { migrate } from '../../../scripts/migrate';
import { bridgeConfigSchema, type BridgeConfig } from '../src/config/bridgeConfig';
import { startBridge } from '../src/startBridge';

export const L1_ID = 900;
export const A_ID = 501;
export const B_ID = 502;
export const ADMIN_TOKEN = 'bridge-test-admin-token-0123';
const OPERATOR_KEYS: Record<number, Hex> = { [A_ID]: ANVIL_PRIVATE_KEYS[1], [B_ID]: ANVIL_PRIVATE_KEYS[2] };
const SLOTS = new Map<bigint, number>([
  [BigInt(A_ID), 0],
  [BigInt(B_ID), 1],
]);
/** Fee parameters of both routes: base + per byte + gas at 1 gwei, 1:1 exchange rate. */
export const FEE_PARAMS = {
  baseFee: 10_000n,
  perByteFee: 16n,
  dstGasPrice: 1_000_000_000n,
  exchangeRateE18: 10n ** 18n,
};

/** The epoch shape the test hub settles with (production `s4`: 2 groups of 2 batches). */
export const SHAPE = PRODUCTION_SHAPES.s4;
/**
 * Real Groth16 proofs of `s4` when its circuit is built (circuits/build/s4); otherwise L1's verifier of the shape is
 * ExpectInputsVerifier, set before each epoch to libs/protocol's public signals: L1 still checks that its calldata
 * gives exactly those signals (the binding), but no proof of the trees is made.
 */
export const REAL_PROOFS = ((a) => existsSync(a.wasm) && existsSync(a.zkey))(
  circuitArtifacts('s4', { allowMissing: true }),
);

/** A batch as the chain app publishes it; the chain root after it is what `settle` adds (and signs). */
export type BatchUpdate = Omit<SettledUpdate, 'chainRoot'>;

/** A message as the chain app would publish it: with its source transaction and log position. */
export type SentMessage = { message: InteropMessage; id: Hex; txHash: Hex; blockNumber: bigint; logIndex: number };

export type L2 = TestChain & { center: Address; handler: Address; vault: Address };

/**
 * A real network for bridge int tests, at production depths (SPEC "Depths"): L1 (InteropHub with the shape `s4`
 * and its verifier, see REAL_PROOFS) and two L2s with the real contracts, a scratch database, unique Kafka topics.
 * The test plays the chain apps (batches, message records, root imports) and the hub (aggregation with
 * libs/protocol, chain roots signed by the operators, InteropHub.submitRoot, v2 shared-root records), as
 * contracts/test/helpers do.
 */
export class BridgeNetwork {
  l1!: TestChain;
  chains = new Map<bigint, L2>();
  hub!: Address;
  db!: ScratchDatabase;
  producer!: KafkaProducerService;
  config!: BridgeConfig;
  readonly brokers = requireKafkaBrokers();
  /** The aggregation state of the settled epochs (what the hub holds). */
  state = new AggregationState(PRODUCTION_DEPTHS);
  epoch = 0n;
  /** L1 verifier of SHAPE (the real one, or ExpectInputsVerifier). */
  verifier!: Address;
  private prover: Prover | undefined;
  private readonly nextBatch = new Map<bigint, bigint>();

  l2(id: number): L2 {
    return this.chains.get(BigInt(id))!;
  }

  async start(prefix: string): Promise<void> {
    if (REAL_PROOFS) {
      const { s4 } = await ensureCircuits(['s4']);
      this.prover = new Prover({ artifacts: s4!, poolSize: 1 });
    }
    this.db = await createScratchDatabase(`it_bridge_${prefix}`);
    await migrate(this.db.url, () => undefined);
    const [l1, a, b] = await Promise.all([startTestChain(L1_ID), startTestChain(A_ID), startTestChain(B_ID)]);
    this.l1 = l1;
    const l1Clients = { walletClient: this.l1.wallets[0]!, publicClient: this.l1.publicClient };
    this.verifier = REAL_PROOFS
      ? (await deployAggregationVerifier(l1Clients, 's4')).address
      : await deployFixture(this.l1.wallets[0]!, this.l1.publicClient, 'ExpectInputsVerifier');
    ({ address: this.hub } = await deployInteropHub(l1Clients, {
      sharedDepth: PRODUCTION_DEPTHS.sharedDepth,
      chainDepth: PRODUCTION_DEPTHS.chainDepth,
      shapes: [{ groups: SHAPE.k / SHAPE.groupSize, groupSize: SHAPE.groupSize, verifier: this.verifier }],
    }));
    for (const id of [A_ID, B_ID]) {
      const operator = this.l1.wallets[id === A_ID ? 1 : 2]!.account.address;
      await this.l1.publicClient.waitForTransactionReceipt({
        hash: await this.l1.wallets[0]!.writeContract({
          address: this.hub,
          abi: interopHubAbi,
          functionName: 'registerChain',
          args: [BigInt(id), operator],
        }),
      });
    }
    for (const chain of [a, b]) {
      const stack = await deployL2Stack(
        { walletClient: chain.wallets[0]!, publicClient: chain.publicClient },
        PRODUCTION_DEPTHS,
      );
      this.chains.set(chain.chainId, { ...chain, ...stack });
    }
    for (const [src, dst] of [
      [A_ID, B_ID],
      [B_ID, A_ID],
    ] as const) {
      await this.write(this.l2(src), {
        address: this.l2(src).center,
        abi: interopCenterAbi,
        functionName: 'setFeeParams',
        args: [BigInt(dst), FEE_PARAMS],
      });
    }
    this.producer = new KafkaProducerService({ brokers: this.brokers, clientId: 'bridge-test-producer', fast: true });
    this.config = this.bridgeConfig(prefix);
  }

  /** The bridge config of this network (unique topics and group); `overrides` as environment strings. */
  bridgeConfig(prefix: string, overrides: Record<string, string> = {}): BridgeConfig {
    const chains = [...this.chains.values()].map((c) => ({
      chainId: c.chainId.toString(),
      rpcUrl: c.anvil.rpcUrl,
      interopCenter: c.center,
      interopHandler: c.handler,
      nativeTokenVault: c.vault,
    }));
    return loadConfig(bridgeConfigSchema, {
      DATABASE_URL: this.db.url,
      KAFKA_BROKERS: this.brokers,
      KAFKA_GROUP_ID: uniqueKafkaName(`test.bridge.${prefix}.group`),
      KAFKA_FAST: 'true',
      TOPIC_MESSAGES: uniqueKafkaName(`test.bridge.${prefix}.messages`),
      TOPIC_SHARED_ROOTS: uniqueKafkaName(`test.bridge.${prefix}.shared-roots`),
      TOPIC_DEAD_LETTER: uniqueKafkaName(`test.bridge.${prefix}.dlq`),
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      L1_RPC_URL: this.l1.anvil.rpcUrl,
      L1_CHAIN_ID: String(L1_ID),
      L1_HUB_ADDRESS: this.hub,
      CHAINS_JSON: JSON.stringify(chains),
      RELAYER_PRIVATE_KEY: ANVIL_PRIVATE_KEYS[7],
      ADMIN_TOKEN,
      RELAY_INTERVAL_MS: '150',
      BACKOFF_BASE_MS: '200',
      BACKOFF_MAX_MS: '1000',
      RECEIPT_TIMEOUT_MS: '20000',
      ...overrides,
    });
  }

  /** Starts a bridge app on this network's config (plus overrides). */
  startBridge(overrides: Partial<BridgeConfig> = {}): Promise<BootstrapHttpAppReturnType> {
    return startBridge({ ...this.config, ...overrides });
  }

  async stop(): Promise<void> {
    await this.prover?.close();
    await this.producer?.close();
    await Promise.all([this.l1?.stop(), ...[...this.chains.values()].map((c) => c.stop())]);
    await this.db?.drop();
  }

  /** Sends a transaction from wallet 0 (or `walletIndex`) and waits for it. */
  async write(chain: TestChain, request: Record<string, unknown>, walletIndex = 0): Promise<Hex> {
    const wallet = chain.wallets[walletIndex]!;
    const hash = await wallet.writeContract(request as never);
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`transaction ${hash} reverted`);
    return hash;
  }

  /** The messages a transaction on `chain` sent through its InteropCenter. */
  async sentBy(chain: L2, hash: Hex): Promise<SentMessage[]> {
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
    return parseEventLogs({ abi: interopCenterAbi, logs: receipt.logs, eventName: 'MessageSent' }).map((log) => ({
      message: { ...log.args.message },
      id: log.args.messageId,
      txHash: hash,
      blockNumber: receipt.blockNumber,
      logIndex: log.logIndex,
    }));
  }

  /** A user (wallet `userIndex`) calls `recipient` on `dst` with `payload`, paying the quoted fee. */
  async sendCall(
    src: number,
    dst: number,
    recipient: Address,
    payload: Hex,
    userIndex = 4,
    gasLimit = 150_000n,
  ): Promise<SentMessage> {
    const chain = this.l2(src);
    const fee = await chain.publicClient.readContract({
      address: chain.center,
      abi: interopCenterAbi,
      functionName: 'quoteFee',
      args: [BigInt(dst), BigInt((payload.length - 2) / 2), gasLimit],
    });
    const hash = await this.write(
      chain,
      {
        address: chain.center,
        abi: interopCenterAbi,
        functionName: 'sendMessage',
        args: [BigInt(dst), recipient, payload, gasLimit],
        value: fee,
      },
      userIndex,
    );
    return (await this.sentBy(chain, hash))[0]!;
  }

  /**
   * A user (wallet `userIndex`) sends one call per payload to `recipient` on `dst` without waiting for each: explicit
   * nonces, `concurrency` transactions in flight (anvil holds a nonce that arrives early until the gap fills), then
   * the receipts. For benchmarks that need thousands of messages; the messages come back in payload order.
   */
  async sendCalls(
    src: number,
    dst: number,
    recipient: Address,
    payloads: readonly Hex[],
    userIndex = 4,
    gasLimit = 150_000n,
    concurrency = 16,
  ): Promise<SentMessage[]> {
    const chain = this.l2(src);
    const wallet = chain.wallets[userIndex]!;
    const fees = new Map<number, bigint>();
    for (const p of payloads) {
      const bytes = (p.length - 2) / 2;
      if (fees.has(bytes)) continue;
      fees.set(
        bytes,
        await chain.publicClient.readContract({
          address: chain.center,
          abi: interopCenterAbi,
          functionName: 'quoteFee',
          args: [BigInt(dst), BigInt(bytes), gasLimit],
        }),
      );
    }
    const first = await chain.publicClient.getTransactionCount({
      address: wallet.account.address,
      blockTag: 'pending',
    });
    const sent: SentMessage[][] = new Array<SentMessage[]>(payloads.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < payloads.length; i = next++) {
        const payload = payloads[i]!;
        const hash = await wallet.writeContract({
          address: chain.center,
          abi: interopCenterAbi,
          functionName: 'sendMessage',
          args: [BigInt(dst), recipient, payload, gasLimit],
          value: fees.get((payload.length - 2) / 2)!,
          nonce: first + i,
          gas: 1_000_000n,
        });
        sent[i] = await this.sentBy(chain, hash);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, payloads.length) }, worker));
    return sent.map((s, i) => {
      if (s.length !== 1) throw new Error(`call ${i} sent ${s.length} messages`);
      return s[0]!;
    });
  }

  /** A user bridges `amount` of `token` from `src` to `recipient` on `dst` (approving the vault first). */
  async bridgeToken(
    src: number,
    dst: number,
    token: Address,
    amount: bigint,
    recipient: Address,
    approveAbi: unknown,
    userIndex = 4,
  ): Promise<SentMessage> {
    const chain = this.l2(src);
    if (approveAbi) {
      await this.write(
        chain,
        { address: token, abi: approveAbi, functionName: 'approve', args: [chain.vault, amount] },
        userIndex,
      );
    }
    const fee = await chain.publicClient.readContract({
      address: chain.vault,
      abi: nativeTokenVaultAbi,
      functionName: 'quoteBridgeFee',
      args: [token, BigInt(dst)],
    });
    const hash = await this.write(
      chain,
      {
        address: chain.vault,
        abi: nativeTokenVaultAbi,
        functionName: 'bridge',
        args: [token, amount, BigInt(dst), recipient],
        value: fee,
      },
      userIndex,
    );
    return (await this.sentBy(chain, hash))[0]!;
  }

  /**
   * Plays the chain app of the messages' source: seals them as the chain's next batch and publishes one
   * `interop.messages` record per message. `tamper` rewrites a message after the root was computed (a forged
   * record). Returns the batch update the hub will settle.
   */
  async publishBatch(
    sent: SentMessage[],
    tamper?: (m: InteropMessage, index: number) => InteropMessage,
  ): Promise<BatchUpdate> {
    const src = sent[0]!.message.srcChainId;
    const batchNumber = this.nextBatch.get(src) ?? 0n;
    this.nextBatch.set(src, batchNumber + 1n);
    const batchRoot = new BatchTree(
      sent.map((s) => messageLeaf(s.message)),
      16,
    ).root;
    for (const [leafIndex, s] of sent.entries()) {
      const message = tamper ? tamper(s.message, leafIndex) : s.message;
      await this.producer.send(
        this.config.TOPIC_MESSAGES,
        src,
        messageRecordToJson({
          batchNumber,
          batchRoot,
          messageCount: sent.length,
          leafIndex,
          message,
          txHash: s.txHash,
          blockNumber: s.blockNumber,
          logIndex: s.logIndex,
        }),
      );
    }
    return {
      slot: SLOTS.get(src)!,
      chainId: src,
      batchNumber,
      batchRoot,
      messageCount: sent.length,
      firstBlock: sent[0]!.blockNumber,
      lastBlock: sent[sent.length - 1]!.blockNumber,
    };
  }

  /** Publishes a record of `sent` as the only message of batch `batchNumber` of its chain (root: its own, or `claimedRoot`). */
  async republish(sent: SentMessage, batchNumber: bigint | number, claimedRoot?: Hex): Promise<void> {
    const batchRoot = claimedRoot ?? new BatchTree([messageLeaf(sent.message)], 16).root;
    await this.producer.send(
      this.config.TOPIC_MESSAGES,
      sent.message.srcChainId,
      messageRecordToJson({
        batchNumber: BigInt(batchNumber),
        batchRoot,
        messageCount: 1,
        leafIndex: 0,
        message: sent.message,
        txHash: sent.txHash,
        blockNumber: sent.blockNumber,
        logIndex: sent.logIndex,
      }),
    );
  }

  /**
   * Plays the hub: aggregates `updates` (what SHAPE holds: at most 2 groups of 2) into the next epoch, has each batch
   * signed by its operator with the chain root after it, proves the epoch (REAL_PROOFS) or sets the ExpectInputs
   * verifier to its public signals, settles it on L1 (`submitRootArgs`: the last group of each chain signed), imports
   * the root into both handlers (the chain apps' job) and, unless `publish` is false, publishes the v2 shared-root
   * record (each update with its signed chain root).
   */
  async settle(batches: BatchUpdate[], publish = true): Promise<SharedRootRecord> {
    const after = this.state.clone();
    const step = after.apply(batches, SHAPE);
    const domain = interopHubDomain(BigInt(L1_ID), this.hub);
    const updates = batches.map((u, i): SettledUpdate => ({ ...u, chainRoot: fieldToBytes32(step.chainRoots[i]!) }));
    const metadata = await Promise.all(
      updates.map(async (u) => ({
        messageCount: u.messageCount,
        firstBlock: u.firstBlock,
        lastBlock: u.lastBlock,
        signature: await signBatchRoot(OPERATOR_KEYS[Number(u.chainId)]!, domain, u),
      })),
    );
    let proof: SolidityProofArgs = NO_PROOF;
    if (this.prover) {
      const input = buildCircuitInput(step.witnesses, step.oldRoot, step.publicSignals);
      proof = toSolidityProof((await this.prover.prove(input)).proof);
    } else {
      const s = step.publicSignals;
      await this.write(this.l1, {
        address: this.verifier,
        abi: fixtureAbi('ExpectInputsVerifier'),
        functionName: 'expect',
        args: [[s.dataCommitment, s.challenge, s.evaluation]],
      });
    }
    const epoch = this.epoch + 1n;
    const id = shapeId(SHAPE);
    const hash = await this.write(this.l1, {
      address: this.hub,
      abi: interopHubAbi,
      functionName: 'submitRoot',
      args: submitRootArgs({
        epoch,
        shapeId: id,
        prevRoot: step.oldRoot,
        newRoot: step.newRoot,
        dataCommitment: step.publicSignals.dataCommitment,
        groups: step.groups,
        metadata,
        proof,
      }),
    });
    const receipt = await this.l1.publicClient.getTransactionReceipt({ hash });
    this.state = after;
    this.epoch = epoch;
    const b32 = (x: bigint) => toHex(x, { size: 32 });
    for (const chain of this.chains.values()) {
      await this.write(chain, {
        address: chain.handler,
        abi: interopHandlerAbi,
        functionName: 'importSharedRoot',
        args: [epoch, b32(step.newRoot)],
      });
    }
    const record: SharedRootRecord = {
      epoch,
      prevRoot: b32(step.oldRoot),
      root: b32(step.newRoot),
      shapeId: id,
      dataCommitment: b32(step.publicSignals.dataCommitment),
      updates,
      l1TxHash: hash,
      l1BlockNumber: receipt.blockNumber,
    };
    if (publish) await this.publishRoot(record);
    return record;
  }

  async publishRoot(record: SharedRootRecord): Promise<void> {
    await this.producer.send(this.config.TOPIC_SHARED_ROOTS, SHARED_ROOT_RECORD_KEY, sharedRootRecordToJson(record));
  }

  /** Deploys a test-only fixture contract on `chain`. */
  deploy(chain: L2, name: string, args: readonly unknown[] = []): Promise<Address> {
    return deployFixture(chain.wallets[0]!, chain.publicClient, name, args);
  }
}

/**
 * Polls `probe` until it returns a value other than undefined, or fails at the deadline with `what`. The default
 * deadline allows for real production-shape proofs on a loaded 2-core machine (an l32 proof takes ~10 s idle and
 * over a minute at load 15-20); a poll returns as soon as the condition holds.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 240_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last instanceof Error ? last.message : JSON.stringify(last)}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** JSON over fetch. */
export async function api(
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
  token?: string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON answers
): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

/** The JSON of `GET /messages/:id` (the fields the tests read). */
export type MessageJson = {
  id: string;
  status: string;
  lastError: string | null;
  onChainStatus: string | null;
  dstTxHash: string | null;
  timeline: Array<{ status: string }>;
  inclusionProof: unknown;
};

/** A random id suffix for test names. */
export function suffix(): string {
  return randomBytes(3).toString('hex');
}
