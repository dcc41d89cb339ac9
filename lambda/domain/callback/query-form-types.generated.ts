// Generated from schemas/disconnect.schema.json by tools/bin/generate.ts (npm run generate). Do not edit.
/** Fields of the callback that the schema does not allow to be text, and their types in schema order. */
export const QUERY_FORM_TYPES: Readonly<Record<string, readonly string[]>> = {"sipResponseCode":["integer","null"]};
