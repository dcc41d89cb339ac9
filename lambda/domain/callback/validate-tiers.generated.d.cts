// Types for the generated Ajv standalone validators (see tools/bin/generate.ts).
import type { ValidateFunction } from 'ajv';
/** What a disconnect record cannot do without: a failure is refused and quarantined. */
export declare const validateDisconnectRecordTier: ValidateFunction;
/** Bandwidth's disconnect spec, field by field: a failure is stored, the deviations named. */
export declare const validateDisconnectSpecTier: ValidateFunction;
/** What a transfer leg's record cannot do without: a failure is refused and quarantined. */
export declare const validateTransferDisconnectRecordTier: ValidateFunction;
/** Bandwidth's transferDisconnect spec, field by field: a failure is stored, the deviations named. */
export declare const validateTransferDisconnectSpecTier: ValidateFunction;
