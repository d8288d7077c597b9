/**
 * Kind of an interop message. Matches `enum MessageKind` in contracts/src/interfaces/IInteropTypes.sol
 * (encoded as `uint8` in the message).
 */
export enum MessageKind {
  CALL = 0,
  TOKEN = 1,
}
