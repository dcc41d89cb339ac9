// Types for the generated Ajv standalone validator (see scripts/generate-validator.ts).
import type { ValidateFunction } from 'ajv';
declare const validate: ValidateFunction;
export default validate;
