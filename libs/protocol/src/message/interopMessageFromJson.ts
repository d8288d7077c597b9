import { ProtocolDecodingError } from '../errors/encoding';
import { interopMessageJsonSchema, type InteropMessage } from './interopMessage';

/**
 * Parses the JSON form of a message (fields of `struct InteropMessage`, contracts/src/interfaces/IInteropTypes.sol) (already `JSON.parse`d) into an `InteropMessage`.
 *
 * @throws {ProtocolDecodingError} with zod's issues as details, for any invalid input.
 *
 * @example
 * const m = interopMessageFromJson(JSON.parse(body));
 */
export function interopMessageFromJson(json: unknown): InteropMessage {
  const parsed = interopMessageJsonSchema.safeParse(json);
  if (!parsed.success) {
    throw new ProtocolDecodingError({
      what: 'an interop message (JSON)',
      details: parsed.error.message,
      cause: parsed.error,
    });
  }
  return parsed.data;
}
