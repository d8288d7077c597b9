/**
 * The project's Kafka topics (docs/DESIGN "Kafka topics"). Producers and consumers use these names only: the broker
 * refuses to auto-create topics, so a typo fails instead of silently creating a new topic.
 */
export const TOPICS = {
  /** chain app -> hub; key = chainId; a signed batch root. */
  batchRoots: 'interop.batch-roots',
  /** chain app -> bridge; key = srcChainId; a batch's messages with leaf indexes. */
  messages: 'interop.messages',
  /** hub -> bridge, chain apps; no key; one epoch's new shared root. */
  sharedRoots: 'interop.shared-roots',
  /** hub -> prover workers; key = epoch; witness inputs. */
  proofJobs: 'interop.proof-jobs',
  /** prover workers -> hub; key = epoch; proofs. */
  proofs: 'interop.proofs',
  /** any -> operators; key = source topic; rejected records with the reason. */
  deadLetter: 'interop.dead-letter',
} as const;

/** One of the project's topic names. */
export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** A topic to create, with its partition count. */
export type TopicSpec = { topic: string; numPartitions?: number };

/**
 * Partition counts of the project's topics. Keyed topics get `defaultPartitions` (records with one key stay in
 * order on one partition, and as many consumers of a group as partitions share the work). `interop.shared-roots` has
 * no key and its epochs must be read in order, so it has exactly one partition.
 */
export function projectTopicSpecs(defaultPartitions = 3): TopicSpec[] {
  return Object.values(TOPICS).map((topic) => ({
    topic,
    numPartitions: topic === TOPICS.sharedRoots ? 1 : defaultPartitions,
  }));
}
