import { ensureTopics } from '@interop/infra';
import {
  batchLeaf,
  buildBatchTree,
  CHAIN_DEPTH,
  ChainTree,
  fieldToBytes32,
  interopHubDomain,
  messageLeaf,
  recoverBatchRootSigner,
  type BatchRootRecord,
  type MessageRecord,
} from '@interop/protocol';
import type { DeployL2StackReturnType } from '@interop/contracts';
import { Client } from 'pg';
import { toHex, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { migrate } from '../../../scripts/migrate';
import { startTestChain, type TestChain } from '../../../contracts/test/helpers/testChain';
import { ANVIL_PRIVATE_KEYS, freePort } from '../../../libs/infra/src/testing/anvil';
import { requireKafkaBrokers } from '../../../libs/infra/src/testing/kafkaBrokers';
import { uniqueKafkaName } from '../../../libs/infra/src/testing/kafkaNames';
import { createScratchDatabase, type ScratchDatabase } from '../../../libs/infra/src/prisma/createScratchDatabase';
import { deployHub, deployStack, readMessageRecords, readRootRecords, sendMessage, waitFor } from './support/harness';
import { killChainApp, spawnChainApp, waitHealthy, type ChainProcess } from './support/chainProcess';

jest.setTimeout(120_000);

const OPERATOR_KEY = ANVIL_PRIVATE_KEYS[1];
const OPERATOR = privateKeyToAccount(OPERATOR_KEY).address;
const DST = 902n;
const MESSAGES = 30;

type OutboxBatch = { batchNumber: bigint; batchRoot: string; chainRoot: string; signature: string };

describe('chain app killed with SIGKILL mid-batch and restarted', () => {
  const brokers = requireKafkaBrokers();
  let l2: TestChain;
  let l1: TestChain;
  let stack: DeployL2StackReturnType;
  // The L1 InteropHub: CHAIN_DEPTH (20) read at every boot, and the EIP-712 domain (the root importer is off here).
  let hub: Address;
  let db: ScratchDatabase;
  let pg: Client;
  const processes: ChainProcess[] = [];

  beforeAll(async () => {
    [l2, l1] = await Promise.all([startTestChain(901), startTestChain(900)]);
    stack = await deployStack(l2, DST);
    hub = await deployHub(l1, { chains: [[901n, OPERATOR]] });
    db = await createScratchDatabase('chain_crash');
    await migrate(db.url);
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => killChainApp(p)));
    await pg?.end().catch(() => undefined);
    await db?.drop().catch(() => undefined);
    await Promise.all([l2?.stop(), l1?.stop()]);
  });

  /** Count of rows matching `where` in sealed_batches (read straight from the app's database). */
  async function batches(where = 'true'): Promise<number> {
    const { rows } = await pg.query<{ n: string }>(`SELECT count(*) AS n FROM sealed_batches WHERE ${where}`);
    return Number(rows[0]!.n);
  }

  /** The sealed batches the app has not marked published yet. */
  async function unpublished(): Promise<OutboxBatch[]> {
    const { rows } = await pg.query<{
      batch_number: string;
      batch_root: string;
      chain_root: string;
      signature: string;
    }>(
      'SELECT batch_number, batch_root, chain_root, signature FROM sealed_batches WHERE published_at IS NULL ' +
        'ORDER BY batch_number',
    );
    return rows.map((r) => ({
      batchNumber: BigInt(r.batch_number),
      batchRoot: r.batch_root,
      chainRoot: r.chain_root,
      signature: r.signature,
    }));
  }

  /** Whether the app has recorded the message (its watcher saw the MessageSent log). */
  async function recorded(messageId: Hex): Promise<boolean> {
    const { rowCount } = await pg.query('SELECT 1 FROM chain_messages WHERE lower(message_id) = $1', [messageId]);
    return (rowCount ?? 0) > 0;
  }

  /** Like waitFor, but re-checks at once: the moments aimed at (between seal and publish) last only milliseconds. */
  async function untilTight(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await probe())) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
  }

  it('publishes every message in exactly one batch, numbered 0..n-1 without gap, with identical re-publishes', async () => {
    const topics = { roots: uniqueKafkaName('test.crash.roots'), messages: uniqueKafkaName('test.crash.messages') };
    await ensureTopics(brokers, [topics.roots, topics.messages]);
    const port = await freePort();
    const env = {
      CHAIN_ID: '901',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.url,
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC_BATCH_ROOTS: topics.roots,
      KAFKA_TOPIC_MESSAGES: topics.messages,
      KAFKA_SEND_TIMEOUT_MS: '3000',
      L2_RPC_URL: l2.anvil.rpcUrl,
      L1_RPC_URL: l1.anvil.rpcUrl,
      L1_CHAIN_ID: '900',
      L1_HUB_ADDRESS: hub,
      INTEROP_CENTER_ADDRESS: stack.center,
      INTEROP_HANDLER_ADDRESS: stack.handler,
      OPERATOR_PRIVATE_KEY: OPERATOR_KEY,
      CONFIRMATIONS: '0',
      BATCH_INTERVAL_MS: '300',
      BATCH_MAX_MESSAGES: '3',
      POLL_INTERVAL_MS: '100',
      START_BLOCK: String((await l2.publicClient.getBlockNumber()) + 1n),
      ROOT_IMPORTER_ENABLED: 'false',
    };
    const start = () => {
      const p = spawnChainApp(env);
      processes.push(p);
      return p;
    };
    let app = start();
    await waitHealthy(app, port);
    let up = true;
    let kills = 0;
    const restart = async () => {
      await killChainApp(app);
      kills++;
      app = start();
      up = false;
    };

    const sent: Hex[] = [];
    const outboxAtCrash: OutboxBatch[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      // Wallets 2..8 take turns so that several senders' messages share batches.
      const id = await sendMessage(l2, stack.center, 2 + (i % 7), DST, toHex(`crash-${i}`));
      sent.push(id);
      if (i === 7) {
        // Crash 1: right after a send, while the app is scanning / sealing; messages 8..11 land while it is down.
        await restart();
      } else if (i === 11) {
        await waitHealthy(app, port);
        up = true;
      } else if (i === 16) {
        // Crash 2: as soon as a sealed batch waits in the outbox (sealed and signed, not yet acknowledged by Kafka).
        // Polled without pause: publishing takes a few ms. If publishing wins the race, another message gives another
        // try (at most 3), so that the crash really lands there. The dead process's outbox must later go out exactly
        // as it was sealed.
        for (let attempt = 0; outboxAtCrash.length === 0 && attempt < 3; attempt++) {
          if (attempt > 0) {
            await waitHealthy(app, port);
            sent.push(await sendMessage(l2, stack.center, 9, DST, toHex(`crash-retry-${attempt}`)));
          }
          await untilTight('a sealed, unpublished batch', async () => (await batches('published_at IS NULL')) > 0);
          await restart();
          outboxAtCrash.push(...(await unpublished()));
        }
        expect(outboxAtCrash.length).toBeGreaterThan(0);
        await waitHealthy(app, port);
        up = true;
      } else if (i === 23) {
        // Crash 3: as soon as a new batch is marked published (its root record was just acknowledged).
        const before = await batches('published_at IS NOT NULL');
        await untilTight('a newly published batch', async () => (await batches('published_at IS NOT NULL')) > before);
        await restart();
        await waitHealthy(app, port);
        up = true;
      } else if (up) {
        // Paced by the app (it has recorded the message) so that sealing interleaves with sending and the crashes
        // land between batches of different numbers.
        await waitFor(`message ${i} recorded`, async () => ((await recorded(id)) ? true : undefined));
      }
    }
    expect(kills).toBeGreaterThanOrEqual(3);
    await waitHealthy(app, port);

    // Everything sent is sealed and published by the last run.
    const sealedCount = await waitFor(
      'all messages sealed and published',
      async () => {
        const { rows } = await pg.query<{ n: string }>(
          'SELECT count(*) AS n FROM chain_messages WHERE batch_number IS NOT NULL AND lower(message_id) = ANY($1)',
          [sent],
        );
        if (Number(rows[0]!.n) !== sent.length || (await batches('published_at IS NULL')) !== 0) return undefined;
        return batches();
      },
      60_000,
    );
    await killChainApp(app);

    const roots = await readRootRecords(
      brokers,
      topics.roots,
      (r) => new Set(r.map((x) => x.batchNumber)).size >= sealedCount,
    );
    const messages = await readMessageRecords(brokers, topics.messages, (r) => {
      const ids = new Set(r.map((m) => messageLeaf(m.message)));
      return sent.every((id) => ids.has(id));
    });

    // Batch numbers: exactly 0..n-1, first published in order; a repeated number is a byte-identical record.
    const rootByNumber = new Map<bigint, { raw: string; record: BatchRootRecord }>();
    roots.records.forEach((record, i) => {
      const raw = roots.raw[i]!;
      const seen = rootByNumber.get(record.batchNumber);
      if (seen) expect(raw).toBe(seen.raw);
      else rootByNumber.set(record.batchNumber, { raw, record });
    });
    const numbers = [...rootByNumber.keys()];
    expect(numbers).toEqual(numbers.map((_, i) => BigInt(i)));
    expect(numbers).toHaveLength(sealedCount);

    // Message records: a repeated (batch, leaf) slot is byte-identical; each sent message fills exactly one slot.
    const slots = new Map<string, { raw: string; record: MessageRecord }>();
    messages.records.forEach((record, i) => {
      const raw = messages.raw[i]!;
      const slot = `${record.batchNumber}/${record.leafIndex}`;
      const seen = slots.get(slot);
      if (seen) expect(raw).toBe(seen.raw);
      else slots.set(slot, { raw, record });
    });
    const slotIds = [...slots.values()].map((s) => messageLeaf(s.record.message));
    expect([...slotIds].sort()).toEqual([...sent].sort());

    // A batch the crashed process left in the outbox went out later exactly as it had been sealed and signed.
    for (const b of outboxAtCrash) {
      expect(rootByNumber.get(b.batchNumber)?.record).toMatchObject({
        batchRoot: b.batchRoot,
        chainRoot: b.chainRoot,
        signature: b.signature,
      });
    }

    // The chain roots survived every kill: each published chain root is libs/protocol's ChainTree root after
    // replaying the published batch roots 0..n, and the stored frontier is the tree after the last one.
    const replay = new ChainTree(CHAIN_DEPTH);
    for (const [n, { record }] of rootByNumber) {
      replay.append(batchLeaf(record.batchRoot, n));
      expect(record.chainRoot).toBe(fieldToBytes32(replay.root));
    }
    const { rows: frontier } = await pg.query<{ size: string; root: string }>(
      'SELECT size, root FROM chain_tree_frontiers WHERE chain_id = 901',
    );
    expect(frontier).toEqual([{ size: String(sealedCount), root: fieldToBytes32(replay.root) }]);

    // Each root is reproduced from its message records alone and is signed by the operator.
    const domain = interopHubDomain(900n, hub);
    for (const { record: root } of rootByNumber.values()) {
      const mine = [...slots.values()]
        .map((s) => s.record)
        .filter((m) => m.batchNumber === root.batchNumber)
        .sort((a, b) => a.leafIndex - b.leafIndex);
      expect(mine.map((m) => m.leafIndex)).toEqual(mine.map((_, i) => i));
      expect(mine).toHaveLength(root.messageCount);
      expect(buildBatchTree(mine.map((m) => messageLeaf(m.message))).root).toBe(root.batchRoot);
      for (const m of mine) expect(m.batchRoot).toBe(root.batchRoot);
      expect(await recoverBatchRootSigner(domain, root, root.signature)).toBe(OPERATOR);
    }
    // Messages go into batches in chain order: concatenating the batches gives the send order.
    const ordered = [...slots.values()]
      .map((s) => s.record)
      .sort((a, b) =>
        a.batchNumber === b.batchNumber ? a.leafIndex - b.leafIndex : a.batchNumber < b.batchNumber ? -1 : 1,
      )
      .map((m) => messageLeaf(m.message));
    expect(ordered).toEqual(sent);
  });
});
