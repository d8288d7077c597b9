/**
 * Chain app throughput and latency on real parts (anvil L2 + L1, Kafka, Postgres): sends N messages through
 * InteropCenter, lets an in-process chain app (CONFIRMATIONS 0) watch, seal, sign and publish them, and measures
 * how long after the last send every message's batch root is on Kafka.
 *
 *   KAFKA_BROKERS=127.0.0.1:19092 npx tsx bench/chain/run.ts [messages=300] [batchMax=100]
 *
 * Writes bench/results/chain.json.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ensureTopics } from '@interop/infra';
import { interopCenterAbi } from '@interop/contracts';
import { Logger } from '@nestjs/common';

import { startTestChain } from '../../contracts/test/helpers/testChain';
import { ANVIL_PRIVATE_KEYS } from '../../libs/infra/src/testing/anvil';
import { requireKafkaBrokers } from '../../libs/infra/src/testing/kafkaBrokers';
import { uniqueKafkaName } from '../../libs/infra/src/testing/kafkaNames';
import { createScratchDatabase } from '../../libs/infra/src/prisma/createScratchDatabase';
import { migrate } from '../../scripts/migrate';
import { chainConfig, deployStack, readRootRecords, startChainApp } from '../../apps/chain/test/support/harness';

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 300);
  const batchMax = Number(process.argv[3] ?? 100);
  Logger.overrideLogger(['error']);
  const brokers = requireKafkaBrokers();
  const [l2, l1] = await Promise.all([startTestChain(901), startTestChain(900)]);
  const db = await createScratchDatabase('chain_bench');
  try {
    await migrate(db.url);
    const stack = await deployStack(l2, 902n);
    const topics = { roots: uniqueKafkaName('bench.chain.roots'), messages: uniqueKafkaName('bench.chain.messages') };
    await ensureTopics(brokers, [topics.roots, topics.messages]);
    const app = await startChainApp(
      chainConfig({
        CHAIN_ID: '901',
        DATABASE_URL: db.url,
        KAFKA_BROKERS: brokers,
        KAFKA_TOPIC_BATCH_ROOTS: topics.roots,
        KAFKA_TOPIC_MESSAGES: topics.messages,
        L2_RPC_URL: l2.anvil.rpcUrl,
        L1_RPC_URL: l1.anvil.rpcUrl,
        L1_HUB_ADDRESS: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
        INTEROP_CENTER_ADDRESS: stack.center,
        INTEROP_HANDLER_ADDRESS: stack.handler,
        OPERATOR_PRIVATE_KEY: ANVIL_PRIVATE_KEYS[1],
        CONFIRMATIONS: '0',
        BATCH_MAX_MESSAGES: String(batchMax),
        BATCH_INTERVAL_MS: '1000',
        POLL_INTERVAL_MS: '200',
        START_BLOCK: String((await l2.publicClient.getBlockNumber()) + 1n),
        ROOT_IMPORTER_ENABLED: 'false',
      }),
    );
    try {
      const fee = await l2.publicClient.readContract({
        address: stack.center,
        abi: interopCenterAbi,
        functionName: 'quoteFee',
        args: [902n, 2n, 100_000n],
      });
      const sendStart = performance.now();
      const wallet = l2.wallets[2]!;
      let last: `0x${string}` = '0x';
      for (let i = 0; i < n; i++) {
        // Not waiting for each receipt: anvil mines one block per transaction, in nonce order.
        last = await wallet.writeContract({
          address: stack.center,
          abi: interopCenterAbi,
          functionName: 'sendMessage',
          args: [902n, wallet.account.address, `0x${(i % 65_536).toString(16).padStart(4, '0')}`, 100_000n],
          value: fee,
        });
      }
      await l2.publicClient.waitForTransactionReceipt({ hash: last });
      const sentMs = performance.now() - sendStart;
      const lastSent = performance.now();
      const roots = await readRootRecords(brokers, topics.roots, (r) => r.reduce((s, x) => s + x.messageCount, 0) >= n);
      const pipelineMs = performance.now() - lastSent;
      const result = {
        date: new Date().toISOString(),
        messages: n,
        batchMaxMessages: batchMax,
        batches: roots.records.length,
        sendMs: Math.round(sentMs),
        lastSendToAllRootsOnKafkaMs: Math.round(pipelineMs),
        firstSendToAllRootsOnKafkaMs: Math.round(sentMs + pipelineMs),
        messagesPerSecondEndToEnd: Math.round((n / (sentMs + pipelineMs)) * 1000),
      };
      writeFileSync(join(__dirname, '..', 'results', 'chain.json'), `${JSON.stringify(result, null, 2)}\n`);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } finally {
      await app.close();
    }
  } finally {
    await db.drop();
    await Promise.all([l2.stop(), l1.stop()]);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench/chain failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
