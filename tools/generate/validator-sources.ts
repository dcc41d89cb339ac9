import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv, { _, type KeywordDefinition } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import addFormats from 'ajv-formats';

const root = fileURLToPath(new URL('../..', import.meta.url));
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
  error: {
    message: ({ schema }) => `must be at most ${String(schema)} bytes of UTF-8`,
    params: ({ schema }) => _`{limit: ${schema}}`,
  },
};

/** The Ajv the validator is generated with; `coerceTypes` only for tests comparing the GET form's typing with Ajv's. */
export function recorderAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    coerceTypes,
    // validate.ts words the errors itself (describeErrors): Ajv's English messages would only add weight.
    messages: false,
    code: { source: true, lines: false },
  });
  addFormats(ajv, ['date-time']);
  ajv.addKeyword(maxUtf8Bytes);
  return ajv;
}

/** The schema as the validator sees it: descriptions document the schema, the validator does not need them. */
export function validationSchema(schemaText = readFileSync(`${root}${schemaPath}`, 'utf8')): Record<string, unknown> {
  return JSON.parse(schemaText, (key, value: unknown) => (key === 'description' ? undefined : value)) as Record<
    string,
    unknown
  >;
}

/** The generated files, path → text. Pure, so a test can compare them with what is committed. */
export function generatedSources(): Record<string, string> {
  const schemaText = readFileSync(`${root}${schemaPath}`, 'utf8');
  const schema = validationSchema(schemaText);
  const header = `// Generated from ${schemaPath} by tools/bin/generate.ts (npm run generate). Do not edit.\n`;

  const ajv = recorderAjv(false);
  const validator = `${header}${standaloneCode(ajv, ajv.compile(schema))}\n`;

  const typeModule =
    `${header}import type { FromSchema } from 'json-schema-to-ts';\n\n` +
    `const schema = ${schemaText.trim()} as const;\n\n` +
    `/** A Disconnect callback that passed the schema. */\n` +
    `export type DisconnectCallback = FromSchema<typeof schema>;\n`;

  // The GET form's values are all text: the fields the schema types otherwise (sipResponseCode), with their types,
  // so query-form.ts can type them as Ajv's coerceTypes would, before the one validator runs.
  const typedFields = Object.fromEntries(
    Object.entries(resolvedProperties(schema))
      .map(([name, property]) => [name, typesOf(property)] as const)
      // Text is left alone where the schema allows a string (Ajv coerces only a value of a type the schema refuses).
      .filter(([, types]) => types.length > 0 && !types.includes('string')),
  );
  const typedFieldsModule =
    `${header}/** Fields of the callback that the schema does not allow to be text, and their types in schema order. */\n` +
    `export const QUERY_FORM_TYPES: Readonly<Record<string, readonly string[]>> = ${JSON.stringify(typedFields)};\n`;

  return {
    'lambda/domain/callback/validate-json-body.generated.cjs': validator,
    'lambda/domain/callback/disconnect-callback.generated.ts': typeModule,
    'lambda/domain/callback/query-form-types.generated.ts': typedFieldsModule,
  };
}

type SchemaNode = Record<string, unknown>;

/** The schema's top-level properties, with local `#/definitions/...` references resolved. */
function resolvedProperties(schema: SchemaNode): Record<string, SchemaNode> {
  const definitions = (schema['definitions'] ?? {}) as Record<string, SchemaNode>;
  const properties = (schema['properties'] ?? {}) as Record<string, SchemaNode>;
  return Object.fromEntries(
    Object.entries(properties).map(([name, property]) => {
      const ref = property['$ref'];
      const target = typeof ref === 'string' ? definitions[ref.replace('#/definitions/', '')] : undefined;
      return [name, target ?? property];
    }),
  );
}

function typesOf(property: SchemaNode): string[] {
  const type = property['type'];
  if (typeof type === 'string') return [type];
  return Array.isArray(type) ? type.map(String) : [];
}
