import { KafkaInfraError } from './errors';

/**
 * Normalises a broker list: `KAFKA_BROKERS`-style `"host:port,host:port"` or an array, trimmed, empty entries dropped.
 * Throws `KAFKA_BROKERS_MISSING` when nothing is left, so a missing variable fails at boot with its name.
 *
 * @example
 * parseBrokers('127.0.0.1:19092, 127.0.0.1:29092'); // ['127.0.0.1:19092', '127.0.0.1:29092']
 */
export function parseBrokers(brokers: string | readonly string[] | undefined): string[] {
  const list = (typeof brokers === 'string' ? brokers.split(',') : (brokers ?? []))
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  if (list.length === 0) {
    throw new KafkaInfraError('KAFKA_BROKERS_MISSING', 'No Kafka brokers given', {
      details: 'set KAFKA_BROKERS (e.g. 127.0.0.1:19092); scripts/infra/kafka.sh start prints it',
    });
  }
  return list;
}
