/** Stable codes of the errors thrown by the Kafka integration (messages may change, codes do not). */
export type KafkaInfraErrorCode =
  | 'KAFKA_BROKERS_MISSING'
  | 'KAFKA_TOPIC_LEADERS_TIMEOUT'
  | 'KAFKA_SEND_TIMEOUT'
  | 'KAFKA_PRODUCER_CLOSED'
  | 'KAFKA_VALUE_NOT_SERIALIZABLE';

/**
 * Error thrown by `libs/infra/src/kafka`. Callers switch on `code`.
 *
 * @example
 * try {
 *   await ensureTopics(brokers, [TOPICS.batchRoots]);
 * } catch (e) {
 *   if (e instanceof KafkaInfraError && e.code === 'KAFKA_TOPIC_LEADERS_TIMEOUT') process.exit(1);
 * }
 */
export class KafkaInfraError extends Error {
  /** Stable machine-readable code. */
  readonly code: KafkaInfraErrorCode;
  /** One-line description without details. */
  readonly shortMessage: string;
  /** What was wrong with which value, if known. */
  readonly details: string | undefined;

  constructor(code: KafkaInfraErrorCode, shortMessage: string, parameters: { details?: string; cause?: unknown } = {}) {
    super(parameters.details ? `${shortMessage}\n\nDetails: ${parameters.details}` : shortMessage, {
      cause: parameters.cause,
    });
    this.name = 'KafkaInfraError';
    this.code = code;
    this.shortMessage = shortMessage;
    this.details = parameters.details;
  }
}
