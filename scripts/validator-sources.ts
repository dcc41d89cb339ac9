import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv, { _, type KeywordDefinition } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import addFormats from 'ajv-formats';

const root = fileURLToPath(new URL('..', import.meta.url));
export const schemaPath = 'schemas/disconnect.schema.json';

/** `maxUtf8Bytes`: JSON Schema's maxLength counts characters, DynamoDB's key limit counts UTF-8 bytes. */
const maxUtf8Bytes: KeywordDefinition = {
  keyword: 'maxUtf8Bytes',
  type: 'string',
  schemaType: 'number',
  code(cxt) {
    const { data, schema } = cxt;
    cxt.fail(_`Buffer.byteLength(${data}, "utf8") > ${schema}`);
  },
  error: { message: ({ schema }) => `must be at most ${String(schema)} bytes of UTF-8` },
};

function compile(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    coerceTypes,
    code: { source: true, lines: false },
  });
  addFormats(ajv, ['date-time']);
  ajv.addKeyword(maxUtf8Bytes);
  return ajv;
}

/** The generated files, path → text. Pure, so a test can compare them with what is committed. */
export function generatedSources(): Record<string, string> {
  const schemaText = readFileSync(`${root}${schemaPath}`, 'utf8');
  // Descriptions document the schema; the validator does not need them.
  const schema = JSON.parse(schemaText, (key, value: unknown) => (key === 'description' ? undefined : value)) as Record<
    string,
    unknown
  >;
  const header = `// Generated from ${schemaPath} by scripts/generate-validator.ts (npm run generate). Do not edit.\n`;

  // Two validators: the JSON body keeps its types; the GET form (query-string values are all strings) is
  // coerced to the schema's types, so sipResponseCode=486 is stored as the number 486.
  const validator = (coerceTypes: boolean): string => {
    const ajv = compile(coerceTypes);
    return `${header}${standaloneCode(ajv, ajv.compile(schema))}\n`;
  };

  const typeModule =
    `${header}import type { FromSchema } from 'json-schema-to-ts';\n\n` +
    `const schema = ${schemaText.trim()} as const;\n\n` +
    `/** A Disconnect callback that passed the schema. */\n` +
    `export type DisconnectCallback = FromSchema<typeof schema>;\n`;

  return {
    'lib/callback/validate-json-body.generated.cjs': validator(false),
    'lib/callback/validate-query-form.generated.cjs': validator(true),
    'lib/callback/disconnect-callback.generated.ts': typeModule,
  };
}
