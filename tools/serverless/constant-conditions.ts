/**
 * CloudFormation conditions that packaging has already made constant. serverless.yml's conditions compare
 * `${param:...}` values, which the framework resolves before anything is compiled, so CloudFormation would only ever
 * take one branch of each `Fn::If` on them. Resolving them here gives the framework's local commands (which cannot
 * evaluate intrinsics) real values, and leaves the template only what applies to the stage.
 * A condition that reads anything known only at deploy time (a `Ref`, a CloudFormation parameter) is left as it is.
 */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The value of a branch that takes `Ref: AWS::NoValue`: the property or list item disappears. */
const NO_VALUE = Symbol('AWS::NoValue');
type Resolved = Json | typeof NO_VALUE;

function isObject(value: Resolved | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function singleKey(value: JsonObject): string | undefined {
  const keys = Object.keys(value);
  return keys.length === 1 ? keys[0] : undefined;
}

/** Each condition whose value packaging fixed; the others are absent. */
export function constantConditions(conditions: Record<string, Json>): Map<string, boolean> {
  const known = new Map<string, boolean>();
  const visiting = new Set<string>();
  const literal = (value: Json | undefined): string | undefined =>
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
  const evaluate = (value: Json | undefined): boolean | undefined => {
    if (!isObject(value)) return undefined;
    const key = singleKey(value);
    const args = key === undefined ? undefined : value[key];
    if (key === 'Condition') return typeof args === 'string' ? named(args) : undefined;
    if (!Array.isArray(args)) return undefined;
    const results = args.map((arg) => (key === 'Fn::Equals' ? literal(arg) : evaluate(arg)));
    if (results.includes(undefined)) return undefined;
    if (key === 'Fn::Equals' && results.length === 2) return results[0] === results[1];
    if (key === 'Fn::Not' && results.length === 1) return !results[0];
    if (key === 'Fn::And') return results.every(Boolean);
    if (key === 'Fn::Or') return results.some(Boolean);
    return undefined;
  };
  const named = (name: string): boolean | undefined => {
    if (known.has(name)) return known.get(name);
    if (visiting.has(name) || !(name in conditions)) return undefined;
    visiting.add(name);
    const result = evaluate(conditions[name]);
    visiting.delete(name);
    if (result !== undefined) known.set(name, result);
    return result;
  };
  for (const name of Object.keys(conditions)) named(name);
  return known;
}

/** `value` with every `Fn::If` on a known condition replaced by the branch taken (`AWS::NoValue` branches removed). */
function resolve(value: Json, known: Map<string, boolean>): Resolved {
  if (Array.isArray(value)) {
    return value.map((item) => resolve(item, known)).filter((item): item is Json => item !== NO_VALUE);
  }
  if (!isObject(value)) return value;
  const branches = value['Fn::If'];
  if (singleKey(value) === 'Fn::If' && Array.isArray(branches) && typeof branches[0] === 'string') {
    const holds = known.get(branches[0]);
    const taken = holds === undefined ? undefined : branches[holds ? 1 : 2];
    if (taken !== undefined) {
      const resolved = resolve(taken, known);
      return isObject(resolved) && singleKey(resolved) === 'Ref' && resolved['Ref'] === 'AWS::NoValue'
        ? NO_VALUE
        : resolved;
    }
  }
  const result: JsonObject = {};
  for (const [name, item] of Object.entries(value)) {
    const resolved = resolve(item, known);
    if (resolved !== NO_VALUE) result[name] = resolved;
  }
  return result;
}

/** A function's environment as Lambda would get it: a variable whose branch is `AWS::NoValue` is not set. */
export function resolveEnvironment(
  environment: Record<string, Json> | undefined,
  conditions: Record<string, Json>,
): Record<string, Json> | undefined {
  if (environment === undefined) return undefined;
  const resolved = resolve(environment, constantConditions(conditions));
  return isObject(resolved) ? resolved : {};
}

/** The names of the conditions `value` refers to (`Condition` attributes, `Fn::If`, `{ Condition: name }`). */
function conditionsReferenced(value: Json, into: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const item of value) conditionsReferenced(item, into);
  if (!isObject(value)) return into;
  const branches = value['Fn::If'];
  if (Array.isArray(branches) && typeof branches[0] === 'string') into.add(branches[0]);
  if (typeof value['Condition'] === 'string') into.add(value['Condition']);
  for (const item of Object.values(value)) conditionsReferenced(item, into);
  return into;
}

/** Keeps the entries (resources, outputs) whose condition can hold, without the condition when it always holds. */
function keepApplicable(entries: Json | undefined, known: Map<string, boolean>): JsonObject | undefined {
  if (!isObject(entries)) return undefined;
  const kept: JsonObject = {};
  for (const [id, entry] of Object.entries(entries)) {
    if (!isObject(entry)) continue;
    const condition = typeof entry['Condition'] === 'string' ? entry['Condition'] : undefined;
    const holds = condition === undefined ? undefined : known.get(condition);
    if (holds === false) continue;
    const { Condition: _, ...rest } = entry;
    const resolved = resolve(holds === true ? rest : entry, known);
    if (resolved !== NO_VALUE) kept[id] = resolved;
  }
  return kept;
}

/**
 * The compiled template with its constant conditions applied: resources and outputs whose condition is false
 * dropped, every `Fn::If` on a constant condition replaced by its branch, and those conditions removed (unless a
 * condition known only at deploy time still refers to one).
 */
export function applyConstantConditions(template: JsonObject): JsonObject {
  const conditions = isObject(template['Conditions']) ? template['Conditions'] : {};
  const known = constantConditions(conditions);
  const result: JsonObject = { ...template };
  for (const section of ['Resources', 'Outputs']) {
    const kept = keepApplicable(template[section], known);
    if (kept !== undefined) result[section] = kept;
  }
  const remaining: JsonObject = {};
  const stillNeeded = conditionsReferenced([result['Resources'] ?? null, result['Outputs'] ?? null], new Set());
  for (const [name, condition] of Object.entries(conditions)) {
    if (!known.has(name)) conditionsReferenced(condition, stillNeeded);
  }
  for (const [name, condition] of Object.entries(conditions)) {
    if (!known.has(name) || stillNeeded.has(name)) remaining[name] = condition;
  }
  if (Object.keys(remaining).length > 0) result['Conditions'] = remaining;
  else delete result['Conditions'];
  return result;
}
