import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import Ajv, { _, type KeywordDefinition, Name } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { fullFormats } from 'ajv-formats/dist/formats.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const schemaPath = 'schemas/disconnect.schema.json';

/** The schema's annotation for a property of the spec tier: a deviation there is stored and named, not refused. */
export const SPEC_TIER = 'specTier';

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

/** The formats the schema uses, each as ajv-formats' full (not fast) set defines it. */
export const SPEC_FORMATS = {
  'date-time': (fullFormats['date-time'] as { validate: (text: string) => boolean }).validate,
  uri: fullFormats.uri as (text: string) => boolean,
};

/**
 * What the generated validators call a format by: the object the formats prologue (below) defines in the generated
 * file. Without it, Ajv's standalone code requires ajv-formats' whole formats module — 7.7 KB minified for the two
 * formats the schema uses (~1.9 KB), the margin the bundle's budget did not have (docs/performance.md).
 */
const FORMATS_OBJECT = 'specFormats';

/**
 * The declarations of ajv-formats' formats module that the schema's formats are made of, copied verbatim from the
 * installed ajv-formats at generation time (so ajv-formats stays the source of truth: an update changes the
 * generated file, and the freshness test fails until it is regenerated). Each is a top-level `function name(` or
 * `const name =`, running to the next line that starts a top-level statement.
 */
const FORMAT_DECLARATIONS = [
  'isLeapYear',
  'DATE',
  'DAYS',
  'date',
  'TIME',
  'getTime',
  'DATE_TIME_SEPARATOR',
  'getDateTime',
  'NOT_URI_FRAGMENT',
  'URI',
  'uri',
];
/** How the full set builds each format from those declarations (checked against the module's own text). */
const FORMAT_EXPRESSIONS: Record<keyof typeof SPEC_FORMATS, { expression: string; inFullFormats: string }> = {
  'date-time': {
    expression: 'getDateTime(true)',
    inFullFormats: '"date-time": fmtDef(getDateTime(true), compareDateTime),',
  },
  uri: { expression: 'uri', inFullFormats: 'uri,' },
};

function formatsPrologue(): string {
  const require = createRequire(import.meta.url);
  const path = require.resolve('ajv-formats/dist/formats.js');
  const { version } = require('ajv-formats/package.json') as { version: string };
  const lines = readFileSync(path, 'utf8').split('\n');
  const fullSet = lines.slice(lines.findIndex((line) => line.startsWith('exports.fullFormats')));
  const declarations = FORMAT_DECLARATIONS.map((name) => {
    const start = lines.findIndex((line) => line.startsWith(`function ${name}(`) || line.startsWith(`const ${name} =`));
    if (start === -1) throw new Error(`ajv-formats ${version} has no top-level ${name}: update FORMAT_DECLARATIONS`);
    const length = lines.slice(start + 1).findIndex((line) => /^[^\s}]/.test(line));
    return lines
      .slice(start, length === -1 ? undefined : start + 1 + length)
      .join('\n')
      .trimEnd();
  });
  const members = Object.entries(FORMAT_EXPRESSIONS).map(([name, { expression, inFullFormats }]) => {
    if (!fullSet.some((line) => line.trim() === inFullFormats)) {
      throw new Error(
        `ajv-formats ${version}'s full set no longer defines ${name} as \`${inFullFormats}\`: update FORMAT_EXPRESSIONS`,
      );
    }
    return `${JSON.stringify(name)}: ${expression}`;
  });
  return (
    `// The formats the schema uses, from ajv-formats ${version} (dist/formats.js, full set), copied by the generator.\n` +
    `const ${FORMATS_OBJECT} = (() => {\n${declarations.join('\n')}\nreturn { ${members.join(', ')} };\n})();\n`
  );
}

/** The Ajv the validators are generated with; `coerceTypes` only for tests comparing the GET form's typing with Ajv's. */
export function recorderAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    coerceTypes,
    // validate.ts words the errors itself (describeErrors): Ajv's English messages would only add weight.
    messages: false,
    code: { source: true, lines: false, formats: new Name(FORMATS_OBJECT) },
  });
  for (const [name, validate] of Object.entries(SPEC_FORMATS)) ajv.addFormat(name, validate);
  ajv.addKeyword(maxUtf8Bytes);
  return ajv;
}

type SchemaNode = Record<string, unknown>;

/** The schema as the validators see it: descriptions document the schema, the validators do not need them. */
export function validationSchema(schemaText = readFileSync(`${root}${schemaPath}`, 'utf8')): SchemaNode {
  return JSON.parse(schemaText, (key, value: unknown) => (key === 'description' ? undefined : value)) as SchemaNode;
}

function isSpecTier(property: SchemaNode): boolean {
  return property[SPEC_TIER] === true;
}

/** The schema with only the properties `keep` selects, the tier annotation removed (Ajv's strict mode refuses it). */
function withProperties(schema: SchemaNode, keep: (property: SchemaNode) => boolean, replace?: SchemaNode): SchemaNode {
  const properties = (schema['properties'] ?? {}) as Record<string, SchemaNode>;
  const kept: Record<string, SchemaNode> = {};
  for (const [name, property] of Object.entries(properties)) {
    const { [SPEC_TIER]: _tier, ...rest } = property;
    if (keep(property)) kept[name] = rest;
    else if (replace !== undefined) kept[name] = replace;
  }
  return { ...schema, properties: kept };
}

/**
 * The two tiers of the one schema:
 *  - the record tier: what a record cannot do without (the object, eventType, callId, the reserved names);
 *  - the spec tier: the properties marked `specTier`, each field's type and format as Bandwidth's spec describes it.
 */
export function tierSchemas(schema: SchemaNode = validationSchema()): { record: SchemaNode; spec: SchemaNode } {
  const { $id, required: _required, ...rest } = schema;
  return {
    record: {
      ...withProperties(schema, (property) => !isSpecTier(property)),
      $id: String($id).replace(/\.schema\.json$/, '.record-tier.schema.json'),
    },
    spec: {
      ...withProperties(rest, isSpecTier),
      $id: String($id).replace(/\.schema\.json$/, '.spec-tier.schema.json'),
    },
  };
}

/** The generated files, path → text. Pure, so a test can compare them with what is committed. */
export function generatedSources(): Record<string, string> {
  const schemaText = readFileSync(`${root}${schemaPath}`, 'utf8');
  const schema = validationSchema(schemaText);
  const header = `// Generated from ${schemaPath} by tools/bin/generate.ts (npm run generate). Do not edit.\n`;

  const tiers = tierSchemas(schema);
  const ajv = recorderAjv(false);
  ajv.addSchema(tiers.record).addSchema(tiers.spec);
  const code = standaloneCode(ajv, {
    validateRecordTier: String(tiers.record['$id']),
    validateSpecTier: String(tiers.spec['$id']),
  });
  const strict = '"use strict";';
  if (!code.startsWith(strict)) throw new Error('Ajv\'s standalone code no longer starts with "use strict"');
  const validators = `${header}${strict}\n${formatsPrologue()}${code.slice(strict.length)}\n`;

  // The type a stored record honestly has: the record tier's fields typed, the spec tier's fields possibly anything.
  const original = JSON.parse(schemaText) as SchemaNode;
  const typeSchema = withProperties(original, (property) => !isSpecTier(property), {});
  const typeModule =
    `${header}import type { FromSchema } from 'json-schema-to-ts';\n\n` +
    `const schema = ${JSON.stringify(typeSchema, null, 2)} as const;\n\n` +
    `/**\n * A Disconnect callback that passed the record tier. The spec tier's fields are \`unknown\`: a callback that\n` +
    ` * deviates from Bandwidth's spec is stored as sent, so a stored record may hold any JSON value there.\n */\n` +
    `export type DisconnectCallback = FromSchema<typeof schema>;\n`;

  // The GET form's values are all text: the fields the schema types otherwise (sipResponseCode), with their types,
  // so query-form.ts can type them as Ajv's coerceTypes would, before the validators run.
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
    'lambda/domain/callback/validate-tiers.generated.cjs': validators,
    'lambda/domain/callback/disconnect-callback.generated.ts': typeModule,
    'lambda/domain/callback/query-form-types.generated.ts': typedFieldsModule,
  };
}

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
