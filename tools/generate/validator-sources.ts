import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import Ajv, { _, type KeywordDefinition, Name } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { fullFormats } from 'ajv-formats/dist/formats.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** One callback the recorder keeps: its schema, the type and the validators derived from it. */
export interface CallbackSchema {
  eventType: string;
  schemaPath: string;
  typeName: string;
  typeModule: string;
  /** The names the generated module exports the two tiers' validators under. */
  validators: { record: string; spec: string };
}

/** Every callback the recorder keeps, each its own schema (schemas/ is the single source of truth). */
export const CALLBACK_SCHEMAS: readonly CallbackSchema[] = [
  {
    eventType: 'disconnect',
    schemaPath: 'schemas/disconnect.schema.json',
    typeName: 'DisconnectCallback',
    typeModule: 'lambda/domain/callback/disconnect-callback.generated.ts',
    validators: { record: 'validateDisconnectRecordTier', spec: 'validateDisconnectSpecTier' },
  },
  {
    eventType: 'transferDisconnect',
    schemaPath: 'schemas/transfer-disconnect.schema.json',
    typeName: 'TransferDisconnectCallback',
    typeModule: 'lambda/domain/callback/transfer-disconnect-callback.generated.ts',
    validators: { record: 'validateTransferDisconnectRecordTier', spec: 'validateTransferDisconnectSpecTier' },
  },
];
const [DISCONNECT] = CALLBACK_SCHEMAS as [CallbackSchema, ...CallbackSchema[]];

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
    // A definition used in several places is one function, not a copy at each use: 6 KB less minified.
    inlineRefs: false,
    code: { source: true, lines: false, formats: new Name(FORMATS_OBJECT) },
  });
  for (const [name, validate] of Object.entries(SPEC_FORMATS)) ajv.addFormat(name, validate);
  ajv.addKeyword(maxUtf8Bytes);
  return ajv;
}

type SchemaNode = Record<string, unknown>;

/** The schema as the validators see it: descriptions document the schema, the validators do not need them. */
export function validationSchema(schemaText = readFileSync(`${root}${DISCONNECT.schemaPath}`, 'utf8')): SchemaNode {
  return JSON.parse(schemaText, (key, value: unknown) => (key === 'description' ? undefined : value)) as SchemaNode;
}

/** The validation schema of one event type's callback. */
export function schemaOf(eventType: string): SchemaNode {
  const entry = CALLBACK_SCHEMAS.find((candidate) => candidate.eventType === eventType);
  if (entry === undefined) throw new Error(`no schema for ${eventType}`);
  return validationSchema(readFileSync(`${root}${entry.schemaPath}`, 'utf8'));
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

/**
 * The schemas share their definitions (a party, a time, the reserved names) by copy, each file self-contained; the
 * generator refuses copies that drifted apart.
 */
function checkSharedDefinitions(schemas: readonly { path: string; schema: SchemaNode }[]): void {
  const seen = new Map<string, { path: string; text: string }>();
  for (const { path, schema } of schemas) {
    for (const [name, definition] of Object.entries((schema['definitions'] ?? {}) as Record<string, SchemaNode>)) {
      const text = JSON.stringify(definition);
      const first = seen.get(name);
      if (first === undefined) seen.set(name, { path, text });
      else if (first.text !== text) throw new Error(`${path} defines ${name} unlike ${first.path}: keep them the same`);
    }
  }
}

/** The type module of one callback: the record tier's fields typed, the spec tier's fields possibly anything. */
function typeModuleOf(entry: CallbackSchema, schemaText: string, header: string): string {
  const original = JSON.parse(schemaText) as SchemaNode;
  const typeSchema = withProperties(original, (property) => !isSpecTier(property), {});
  return (
    `${header}import type { FromSchema } from 'json-schema-to-ts';\n\n` +
    `const schema = ${JSON.stringify(typeSchema, null, 2)} as const;\n\n` +
    `/**\n * A ${entry.eventType} callback that passed the record tier. The spec tier's fields are \`unknown\`: a callback\n` +
    ` * that deviates from Bandwidth's spec is stored as sent, so a stored record may hold any JSON value there.\n */\n` +
    `export type ${entry.typeName} = FromSchema<typeof schema>;\n`
  );
}

/** The generated files, path → text. Pure, so a test can compare them with what is committed. */
export function generatedSources(): Record<string, string> {
  const loaded = CALLBACK_SCHEMAS.map((entry) => {
    const text = readFileSync(`${root}${entry.schemaPath}`, 'utf8');
    return { entry, text, path: entry.schemaPath, schema: validationSchema(text) };
  });
  checkSharedDefinitions(loaded);
  const header = (paths: string) =>
    `// Generated from ${paths} by tools/bin/generate.ts (npm run generate). Do not edit.\n`;
  const allPaths = loaded.map(({ path }) => path).join(' and ');

  const ajv = recorderAjv(false);
  const exported: Record<string, string> = {};
  for (const { entry, schema } of loaded) {
    const tiers = tierSchemas(schema);
    ajv.addSchema(tiers.record).addSchema(tiers.spec);
    exported[entry.validators.record] = String(tiers.record['$id']);
    exported[entry.validators.spec] = String(tiers.spec['$id']);
  }
  const code = standaloneCode(ajv, exported);
  const strict = '"use strict";';
  if (!code.startsWith(strict)) throw new Error('Ajv\'s standalone code no longer starts with "use strict"');
  const validators = `${header(allPaths)}${strict}\n${formatsPrologue()}${code.slice(strict.length)}\n`;

  // The GET form's values are all text: per event type, the fields its schema types otherwise (sipResponseCode),
  // with their types, so query-form typing can type them as Ajv's coerceTypes would, before the validators run.
  const typedFields = Object.fromEntries(
    loaded.map(({ entry, schema }) => [
      entry.eventType,
      Object.fromEntries(
        Object.entries(resolvedProperties(schema))
          .map(([name, property]) => [name, typesOf(property)] as const)
          // Text is left alone where the schema allows a string (Ajv coerces only a value of a type the schema refuses).
          .filter(([, types]) => types.length > 0 && !types.includes('string')),
      ),
    ]),
  );
  const typedFieldsModule =
    `${header(allPaths)}/** Per event type, the fields its schema does not allow to be text, and their types in schema order. */\n` +
    `export const QUERY_FORM_TYPES: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = ${JSON.stringify(typedFields)};\n`;

  return {
    'lambda/domain/callback/validate-tiers.generated.cjs': validators,
    ...Object.fromEntries(
      loaded.map(({ entry, text }) => [entry.typeModule, typeModuleOf(entry, text, header(entry.schemaPath))]),
    ),
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
