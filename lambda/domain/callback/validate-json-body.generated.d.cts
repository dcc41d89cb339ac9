// Types for the generated Ajv standalone validator (see tools/bin/generate.ts).
import type { ValidateFunction } from 'ajv';
declare const validate: ValidateFunction;
export default validate;
