import { Inject, Injectable } from '@nestjs/common';

import type { DeadLetterRecord } from './deadLetterRecord';
import { KafkaProducerService } from './kafkaProducer.service';
import { publishDeadLetter, type PublishDeadLetterParameters } from './publishDeadLetter';

/**
 * Dead-letters records from code that is not a Nest Kafka handler (e.g. a service that fails on a record it already
 * accepted). Kafka handlers use `validateOrDeadLetter`, which also acknowledges the record.
 *
 * @example
 * await deadLetters.publish({ sourceTopic, partition, offset, key, value, reason: 'equivocation', errorCode: 'EQUIVOCATION' });
 */
@Injectable()
export class DeadLetterService {
  constructor(@Inject(KafkaProducerService) private readonly producer: KafkaProducerService) {}

  /** Publishes one dead letter and resolves with the record written. */
  publish(parameters: PublishDeadLetterParameters): Promise<DeadLetterRecord> {
    return publishDeadLetter(
      {
        send: async ({ topic, messages }) =>
          Promise.all(messages.map((m) => this.producer.send(topic, m.key, m.value))),
      },
      parameters,
    );
  }
}
