/**
 * Kafka cluster chaos mode (issue #17): a 3-node KRaft cluster of its own, acks=all traffic, nodes SIGKILLed and
 * restarted one at a time (the active controller among them); prints a JSON summary and writes it to
 * bench/results/kafka-cluster-chaos.json. Exit status 1 when an acknowledged record was lost.
 *
 *   npx tsx chaos/cluster/main.ts [--seconds 120] [--seed N] [--rate 50] [--producer service|idempotent]
 *                                 [--partitions 6] [--out bench/results/kafka-cluster-chaos.json]
 *   npm run chaos:cluster -- --seconds 120 --seed 7
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { runClusterChaos, type ProducerKind } from './run';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '120' },
      seed: { type: 'string', default: String(Date.now() % 1_000_000) },
      rate: { type: 'string', default: '50' },
      partitions: { type: 'string', default: '6' },
      producer: { type: 'string', default: 'service' },
      out: { type: 'string', default: 'bench/results/kafka-cluster-chaos.json' },
    },
  });
  const producer = values.producer as ProducerKind;
  if (producer !== 'service' && producer !== 'idempotent') throw new Error('--producer must be service or idempotent');
  const summary = await runClusterChaos({
    seconds: Number(values.seconds),
    seed: Number(values.seed),
    rate: Number(values.rate),
    partitions: Number(values.partitions),
    producer,
  });
  const json = JSON.stringify(summary, null, 2);
  process.stdout.write(`${json}\n`);
  const out = resolve(__dirname, '..', '..', values.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${json}\n`);
  process.stderr.write(`[chaos-cluster] summary written to ${values.out}\n`);
  return summary.lost === 0 && summary.lostOnTopic === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`[chaos-cluster] error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(2);
  },
);
