import type { Admin, ITopicMetadata } from 'kafkajs';

import { createKafkaClient } from './createKafkaClient';
import { KafkaInfraError } from './errors';
import type { TopicSpec } from './topics';

export type EnsureTopicsOptions = {
  /** Partitions of a topic given by name only (default 3). */
  defaultPartitions?: number;
  /**
   * Replication factor of created topics. Default: min(3, live brokers in the cluster), so 1 on the local single
   * broker and 3 on a cluster (`scripts/infra/kafka.sh start --cluster 3`, min.insync.replicas 2).
   */
  replicationFactor?: number;
  /** How long to wait for every partition to have a leader (default 30 s). */
  timeoutMs?: number;
  clientId?: string;
  /** An admin client to reuse (connected by the caller); otherwise one is made and closed here. */
  admin?: Admin;
};

export type EnsureTopicsReturnType = {
  /** Topics this call created. */
  created: string[];
  /** Topics that were there already (left as they are, even with another partition count). */
  existing: string[];
  /** Partition count of every requested topic, as the broker reports it. */
  partitions: Record<string, number>;
  /** Replication factor used for the created topics (undefined when nothing was created). */
  replicationFactor?: number;
};

/** Replication factor of created topics when none is given: as many replicas as live brokers, at most 3. */
export const MAX_DEFAULT_REPLICATION_FACTOR = 3;

/**
 * Creates the topics that do not exist yet and waits until every partition of every requested topic has a leader.
 * Idempotent: topics that exist are left alone, and a concurrent creator racing this call is fine. Apps call it before
 * subscribing, because kafkajs fails to subscribe to a topic that does not exist (the broker does not auto-create).
 *
 * @example
 * await ensureTopics(process.env.KAFKA_BROKERS!, projectTopicSpecs());
 * await ensureTopics(['127.0.0.1:19092'], ['my.test-topic']);
 */
export async function ensureTopics(
  brokers: string | readonly string[],
  topics: ReadonlyArray<string | TopicSpec>,
  options: EnsureTopicsOptions = {},
): Promise<EnsureTopicsReturnType> {
  const { defaultPartitions = 3, timeoutMs = 30_000, clientId = 'interop-ensure-topics' } = options;
  const specs = topics.map((t) => (typeof t === 'string' ? { topic: t } : t));
  const admin = options.admin ?? createKafkaClient({ brokers, clientId, fast: true }).admin();
  if (!options.admin) await admin.connect();
  try {
    const before = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !before.has(s.topic));
    const created: string[] = [];
    let replicationFactor: number | undefined;
    if (missing.length > 0) {
      // Only asked when something is to be created: a single broker answers 1, a 3-node cluster 3.
      const rf =
        options.replicationFactor ??
        Math.max(1, Math.min(MAX_DEFAULT_REPLICATION_FACTOR, (await admin.describeCluster()).brokers.length));
      replicationFactor = rf;
      // createTopics resolves false when a topic exists already (e.g. another process won the race): not an error.
      // Its own leader wait is off: on a busy broker kafkajs' short retrier gives up on UNKNOWN_TOPIC_OR_PARTITION
      // ("This server does not host this topic-partition") while the new topic's metadata propagates; the poll
      // below waits for every leader with our deadline instead.
      await admin.createTopics({
        waitForLeaders: false,
        timeout: timeoutMs,
        topics: missing.map((s) => ({
          topic: s.topic,
          numPartitions: s.numPartitions ?? defaultPartitions,
          replicationFactor: rf,
        })),
      });
      created.push(...missing.map((s) => s.topic));
    }
    const metadata = await waitForLeaders(
      admin,
      specs.map((s) => s.topic),
      timeoutMs,
    );
    const partitions: Record<string, number> = {};
    for (const t of metadata) partitions[t.name] = t.partitions.length;
    return {
      created,
      existing: specs.map((s) => s.topic).filter((t) => before.has(t)),
      partitions,
      ...(replicationFactor !== undefined ? { replicationFactor } : {}),
    };
  } finally {
    if (!options.admin) await admin.disconnect();
  }
}

/** Polls topic metadata until each partition has a leader (createTopics' own wait covers only new topics). */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs: number): Promise<ITopicMetadata[]> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem: string;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      const leaderless = metadata.flatMap((t) =>
        t.partitions.filter((p) => p.leader < 0).map((p) => `${t.name}/${p.partitionId}`),
      );
      if (metadata.length === topics.length && leaderless.length === 0) return metadata;
      lastProblem = `partitions without a leader: ${leaderless.join(', ')}`;
    } catch (e) {
      // Right after creation the broker may still answer UNKNOWN_TOPIC_OR_PARTITION for a moment.
      lastProblem = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() > deadline) {
      throw new KafkaInfraError('KAFKA_TOPIC_LEADERS_TIMEOUT', `Topics not ready within ${timeoutMs} ms`, {
        details: `${topics.join(', ')}: ${lastProblem}`,
      });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
