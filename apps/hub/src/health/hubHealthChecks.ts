import {
  consumersHealthCheck,
  kafkaHealthCheck,
  postgresHealthCheck,
  rpcHealthCheck,
  type ConsumerRegistry,
  type HealthCheck,
  type PrismaService,
} from '@interop/infra';

import type { HubConfig } from '../config/hubConfig';

/** The hub depends on Postgres, Kafka (the broker and its own consumers) and the L1 node. */
export function hubHealthChecks(prisma: PrismaService, config: HubConfig, consumers: ConsumerRegistry): HealthCheck[] {
  return [
    postgresHealthCheck(prisma),
    kafkaHealthCheck({ brokers: config.KAFKA_BROKERS, clientId: 'hub-health' }),
    consumersHealthCheck(consumers),
    rpcHealthCheck({ name: 'rpc-l1', url: config.L1_RPC_URL, expectedChainId: config.L1_CHAIN_ID }),
  ];
}
