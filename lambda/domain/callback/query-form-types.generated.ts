// Generated from schemas/disconnect.schema.json and schemas/transfer-disconnect.schema.json by tools/bin/generate.ts (npm run generate). Do not edit.
/** Per event type, the fields its schema does not allow to be text, and their types in schema order. */
export const QUERY_FORM_TYPES: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {"disconnect":{"sipResponseCode":["integer","null"]},"transferDisconnect":{}};
