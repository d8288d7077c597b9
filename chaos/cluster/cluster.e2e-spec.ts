// Kafka cluster chaos, short version (issue #17 "Reliability"): its own 3-node KRaft cluster (scripts/infra/kafka.sh
// start --cluster 3 on free ports, never the shared 19092), acks=all traffic for 70 s (longer if a restart is slow), 2-3 nodes SIGKILLed and
// restarted one at a time, the active controller first. Every acknowledged record must be consumed and on the topic.
// The full run: `npx tsx chaos/cluster/main.ts --seconds 120` (docs/operations-infra.md).
import { KafkaCluster } from '@interop/infra/testing/kafkaCluster';

import { runClusterChaos, type ClusterChaosSummary } from './run';

jest.setTimeout(420_000);

describe('Kafka 3-node cluster under broker kills', () => {
  let cluster: KafkaCluster | undefined;
  let summary: ClusterChaosSummary;

  beforeAll(async () => {
    cluster = await KafkaCluster.start({ nodes: 3 });
  }, 300_000);

  // Runs even when the test fails or times out: no node is left holding ports or memory.
  afterAll(async () => {
    const c = cluster;
    cluster = undefined;
    if (!c) return;
    await c.stop();
    for (const id of [1, 2, 3]) expect(c.pid(id)).toBeUndefined();
  }, 120_000);

  it('loses no acknowledged record while nodes, the active controller among them, are killed and restarted', async () => {
    summary = await runClusterChaos({
      seconds: 70,
      seed: 17,
      minKills: 2,
      maxKills: 3,
      cluster: cluster!,
      log: () => undefined,
    });
    const { kills, ...rest } = summary;
    process.stderr.write(`cluster chaos: ${JSON.stringify(rest)}\nkills: ${JSON.stringify(kills)}\n`);

    expect(summary.replicationFactor).toBe(3);
    expect(summary.minInsyncReplicas).toBe(2);
    expect(summary.acked).toBeGreaterThan(300);
    expect(summary.lost).toBe(0);
    expect(summary.lostIds).toEqual([]);
    expect(summary.lostOnTopic).toBe(0);
    expect(summary.consumed).toBeGreaterThanOrEqual(summary.acked);
    expect(summary.duplicatedOnTopic).toBe(summary.duplicatedOnTopicIds.length);
    expect(summary.kills.length).toBeGreaterThanOrEqual(2);
    expect(summary.controllerKills).toBeGreaterThanOrEqual(1);
    expect(summary.kills[0]!.wasController).toBe(true);
    for (const k of summary.kills) {
      expect(k.recoveredMs).toBeGreaterThan(0);
      if (k.wasController) {
        expect(k.newControllerMs).toBeGreaterThan(0);
        expect(k.controllerAfter).not.toBe(k.node);
      }
    }
    expect(summary.finalIsrFull).toBe(true);
  });
});
