import { bytes32Schema } from '../message/interopMessage';
import { BN254_FIELD_ORDER } from '../poseidon/bn254FieldOrder';

/** Zod schema of a bytes32 that holds a canonical BN254 field element (a Poseidon root: chain or shared root). */
export const fieldBytes32Schema = bytes32Schema.refine((h) => BigInt(h) < BN254_FIELD_ORDER, {
  message: 'expected a canonical BN254 field element (< r) as bytes32',
});
