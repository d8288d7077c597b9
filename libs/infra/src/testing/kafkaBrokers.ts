/**
 * The brokers of the Kafka cluster integration tests use: `KAFKA_BROKERS`, which `npm test` (scripts/test.sh) sets
 * after starting a broker. Throws with the command to run when it is missing: an int test never skips silently.
 *
 * @example
 * const brokers = requireKafkaBrokers(); // '127.0.0.1:19092'
 */
export function requireKafkaBrokers(): string {
  const brokers = process.env.KAFKA_BROKERS?.trim();
  if (!brokers) {
    throw new Error(
      'KAFKA_BROKERS is not set: run the int tests through `npm test`, or start a broker with ' +
        '`eval "$(scripts/infra/kafka.sh start)" && export KAFKA_BROKERS`',
    );
  }
  return brokers;
}
