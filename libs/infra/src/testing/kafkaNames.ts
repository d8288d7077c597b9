import { randomBytes } from 'node:crypto';

/**
 * A topic or group name no other run has used: tests must not see each other's records or wait out another run's
 * group members.
 *
 * @example
 * uniqueKafkaName('test.kafka-int'); // 'test.kafka-int.m3x1c2a-9f3b2c'
 */
export function uniqueKafkaName(prefix: string): string {
  return `${prefix}.${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}
