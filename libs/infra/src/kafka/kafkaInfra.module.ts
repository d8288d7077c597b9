import { Module, type DynamicModule, type FactoryProvider } from '@nestjs/common';

import { DeadLetterService } from './deadLetter.service';
import { KafkaProducerService } from './kafkaProducer.service';
import { KAFKA_PRODUCER_OPTIONS, type KafkaProducerOptions } from './kafkaProducerOptions';

/**
 * Provides `KafkaProducerService` and `DeadLetterService` app-wide. Consumers are not here: they are Nest
 * microservice handlers (`kafkaMicroserviceOptions` + `@EventPattern`).
 *
 * @example
 * @Module({ imports: [KafkaInfraModule.forRoot({ brokers: env.KAFKA_BROKERS, clientId: 'hub' })] })
 * export class HubModule {}
 */
@Module({})
export class KafkaInfraModule {
  /** With options known at import time. */
  static forRoot(options: KafkaProducerOptions): DynamicModule {
    return KafkaInfraModule.build({ provide: KAFKA_PRODUCER_OPTIONS, useFactory: () => options });
  }

  /** With options from other providers, e.g. the validated config. */
  static forRootAsync(options: {
    imports?: DynamicModule['imports'];
    inject?: FactoryProvider['inject'];
    useFactory: (...args: never[]) => KafkaProducerOptions | Promise<KafkaProducerOptions>;
  }): DynamicModule {
    return KafkaInfraModule.build(
      { provide: KAFKA_PRODUCER_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
      options.imports ?? [],
    );
  }

  private static build(optionsProvider: FactoryProvider, imports: DynamicModule['imports'] = []): DynamicModule {
    return {
      module: KafkaInfraModule,
      global: true,
      imports,
      providers: [optionsProvider, KafkaProducerService, DeadLetterService],
      exports: [KafkaProducerService, DeadLetterService],
    };
  }
}
