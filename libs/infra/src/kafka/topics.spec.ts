import { parseBrokers } from './parseBrokers';
import { KafkaInfraError } from './errors';
import { projectTopicSpecs, TOPICS } from './topics';

describe('project topics', () => {
  it('names the six topics of the design', () => {
    expect(Object.values(TOPICS).sort()).toEqual(
      [
        'interop.batch-roots',
        'interop.dead-letter',
        'interop.messages',
        'interop.proof-jobs',
        'interop.proofs',
        'interop.shared-roots',
      ].sort(),
    );
  });

  it('gives keyed topics the default partition count and the ordered shared-roots topic one', () => {
    const specs = projectTopicSpecs(4);
    expect(specs.find((s) => s.topic === TOPICS.sharedRoots)?.numPartitions).toBe(1);
    expect(specs.filter((s) => s.topic !== TOPICS.sharedRoots).every((s) => s.numPartitions === 4)).toBe(true);
  });
});

describe('parseBrokers', () => {
  it('splits and trims a KAFKA_BROKERS list', () => {
    expect(parseBrokers(' 127.0.0.1:19092, ,127.0.0.1:29092 ')).toEqual(['127.0.0.1:19092', '127.0.0.1:29092']);
    expect(parseBrokers(['a:1'])).toEqual(['a:1']);
  });

  it('fails with KAFKA_BROKERS_MISSING when empty', () => {
    expect(() => parseBrokers(undefined)).toThrow(KafkaInfraError);
    let error: unknown;
    try {
      parseBrokers(' , ');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KafkaInfraError);
    expect((error as KafkaInfraError).code).toBe('KAFKA_BROKERS_MISSING');
  });
});
