// Types for the generated Ajv standalone validators (see tools/bin/generate.ts).
import type { ValidateFunction } from 'ajv';
/** What a record cannot do without: a failure is refused and quarantined. */
export declare const validateRecordTier: ValidateFunction;
/** Bandwidth's spec, field by field: a failure is stored, the deviations named. */
export declare const validateSpecTier: ValidateFunction;
