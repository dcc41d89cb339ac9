/**
 * The packaged CloudFormation template as CloudFormation will see it: the stack's Conditions evaluated (they
 * compare the stage's params, known at package time), `Fn::If` replaced by the branch taken, `AWS::NoValue` removed,
 * resources and outputs whose condition is false dropped.
 */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Resource {
  Type: string;
  Properties?: JsonObject;
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: Json;
}

export interface Output {
  Value: Json;
  Condition?: string;
  Description?: string;
}

export interface Template {
  Resources: Record<string, Resource>;
  Conditions?: Record<string, Json>;
  Outputs?: Record<string, Output>;
}

const NO_VALUE = Symbol('AWS::NoValue');
type Resolved = Json | typeof NO_VALUE;

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKey(value: JsonObject): string | undefined {
  const keys = Object.keys(value);
  return keys.length === 1 ? keys[0] : undefined;
}

function evaluateConditions(conditions: Record<string, Json>): Map<string, boolean> {
  const results = new Map<string, boolean>();
  const literal = (value: Json | undefined): string => {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new Error(`condition compares a value known only at deploy time: ${JSON.stringify(value)}`);
  };
  const evaluate = (value: Json | undefined): boolean => {
    if (!isObject(value)) throw new Error(`not a condition: ${JSON.stringify(value)}`);
    const key = onlyKey(value);
    const args = key === undefined ? undefined : value[key];
    switch (key) {
      case 'Fn::Equals':
        if (!Array.isArray(args) || args.length !== 2) break;
        return literal(args[0]) === literal(args[1]);
      case 'Fn::Not':
        if (!Array.isArray(args) || args.length !== 1) break;
        return !evaluate(args[0]);
      case 'Fn::And':
        if (!Array.isArray(args)) break;
        return args.every(evaluate);
      case 'Fn::Or':
        if (!Array.isArray(args)) break;
        return args.some(evaluate);
      case 'Condition':
        if (typeof args !== 'string') break;
        return named(args);
    }
    throw new Error(`unsupported condition: ${JSON.stringify(value)}`);
  };
  const named = (name: string): boolean => {
    const known = results.get(name);
    if (known !== undefined) return known;
    if (!(name in conditions)) throw new Error(`unknown condition ${name}`);
    const result = evaluate(conditions[name]);
    results.set(name, result);
    return result;
  };
  for (const name of Object.keys(conditions)) named(name);
  return results;
}

export function effectiveTemplate(template: Template): Template {
  const conditions = evaluateConditions(template.Conditions ?? {});
  const holds = (name: string | undefined): boolean => {
    if (name === undefined) return true;
    const result = conditions.get(name);
    if (result === undefined) throw new Error(`unknown condition ${name}`);
    return result;
  };
  const resolve = (value: Json): Resolved => {
    if (Array.isArray(value)) {
      return value.map(resolve).filter((item): item is Json => item !== NO_VALUE);
    }
    if (!isObject(value)) return value;
    const key = onlyKey(value);
    if (key === 'Ref' && value['Ref'] === 'AWS::NoValue') return NO_VALUE;
    if (key === 'Fn::If') {
      const args = value['Fn::If'];
      if (!Array.isArray(args) || args.length !== 3 || typeof args[0] !== 'string') {
        throw new Error(`malformed Fn::If: ${JSON.stringify(value)}`);
      }
      return resolve(holds(args[0]) ? (args[1] as Json) : (args[2] as Json));
    }
    const result: JsonObject = {};
    for (const [name, item] of Object.entries(value)) {
      const resolved = resolve(item);
      if (resolved !== NO_VALUE) result[name] = resolved;
    }
    return result;
  };
  const resources: Record<string, Resource> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (holds(resource.Condition)) resources[id] = resolve(resource as unknown as Json) as unknown as Resource;
  }
  const outputs: Record<string, Output> = {};
  for (const [id, output] of Object.entries(template.Outputs ?? {})) {
    if (holds(output.Condition)) outputs[id] = resolve(output as unknown as Json) as unknown as Output;
  }
  return { Resources: resources, Outputs: outputs };
}

export function resource(template: Template, id: string): Resource {
  const found = template.Resources[id];
  if (found === undefined) throw new Error(`no resource ${id} in the template`);
  return found;
}

export function properties(template: Template, id: string): JsonObject {
  return resource(template, id).Properties ?? {};
}

export function idsOfType(template: Template, type: string): string[] {
  return Object.entries(template.Resources)
    .filter(([, found]) => found.Type === type)
    .map(([id]) => id)
    .sort();
}

/**
 * A resource reference written the way a reader says it: `Table.Arn`, `Bucket.Arn/parked/*`, `Ref Topic`, or the
 * `Fn::Sub` string itself. Anything else is shown as JSON, so an assertion on it fails readably.
 */
export function describeReference(value: Json): string {
  if (typeof value === 'string') return value;
  if (isObject(value)) {
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt.length === 2) return `${String(getAtt[0])}.${String(getAtt[1])}`;
    if (typeof value['Ref'] === 'string') return `Ref ${value['Ref']}`;
    if (typeof value['Fn::Sub'] === 'string') return value['Fn::Sub'];
    const join = value['Fn::Join'];
    if (Array.isArray(join) && join[0] === '' && Array.isArray(join[1])) return join[1].map(describeReference).join('');
  }
  return JSON.stringify(value);
}

export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action: string[];
  Resource: string[];
  Condition?: JsonObject;
}

/** Every statement of a role's inline policies, actions and resources as lists, resources described. */
export function roleStatements(template: Template, roleId: string): PolicyStatement[] {
  const role = properties(template, roleId);
  const policies = Array.isArray(role['Policies']) ? role['Policies'] : [];
  const list = (value: Json | undefined): Json[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
  return policies.flatMap((policy) => {
    const document = isObject(policy) ? policy['PolicyDocument'] : undefined;
    const statements = isObject(document) ? list(document['Statement']) : [];
    return statements.filter(isObject).map((statement) => ({
      ...(typeof statement['Sid'] === 'string' ? { Sid: statement['Sid'] } : {}),
      Effect: String(statement['Effect']),
      Action: list(statement['Action']).map(String),
      Resource: list(statement['Resource']).map(describeReference),
      ...(isObject(statement['Condition']) ? { Condition: statement['Condition'] } : {}),
    }));
  });
}
