/** Injection token of the `KafkaProducerOptions` used by `KafkaProducerService`. */
export const KAFKA_PRODUCER_OPTIONS = Symbol('KAFKA_PRODUCER_OPTIONS');

/** Settings of the project's Kafka producer (`KafkaInfraModule.forRoot` / `new KafkaProducerService(...)`). */
export type KafkaProducerOptions = {
  brokers: string | readonly string[];
  clientId: string;
  /** Test/devnet timings (see `kafkaClientConfig`). */
  fast?: boolean;
  /**
   * Longest a `send` may take before it rejects with `KAFKA_SEND_TIMEOUT` (default 30 s, 10 s when `fast`), whatever
   * kafkajs's own (bounded) retries are still doing; `close()` waits for those to end.
   */
  sendTimeoutMs?: number;
};
