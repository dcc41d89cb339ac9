import { ExactNumber, numberTextProblem } from './exact-number.ts';

/**
 * What DynamoDB refuses that the schema cannot express: nesting deeper than 32 levels, empty attribute names,
 * numbers it cannot hold exactly. Found here, they are a 422 naming the field instead of a failed write.
 *
 * DynamoDB's nesting limit, in levels: a top-level attribute's value is level 1, each map or list adds one.
 * Measured on AWS (dynoxide#110, ExtendDB#123): a scalar inside 31 nested maps is stored, inside 32 it is
 * refused ("Nesting Levels have exceeded supported limits"). dynalite does not check this, so this is the guard.
 */
export const MAX_NESTING = 32;
/** DynamoDB's smallest non-zero magnitude. A double beyond ±(2^53 - 1) cannot be here: exact-number.ts keeps
 * such a number (and any other a double would alter) as its text, an ExactNumber, checked against DynamoDB's limits. */
const MIN_MAGNITUDE = 1e-130;

function pathOf(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key)
    ? parent === ''
      ? key
      : `${parent}.${key}`
    : `${parent}[${JSON.stringify(key)}]`;
}

export function storabilityProblems(value: unknown): string[] {
  const problems: string[] = [];
  // The keys down to the node being visited; a path is spelled only for a problem (most callbacks have none).
  const keys: (string | number)[] = [];
  const here = () => keys.reduce<string>((path, key) => pathOf(path, key), '');
  const visit = (node: unknown): void => {
    // Any value counts, scalars included: the level is where the value sits, not what it is.
    if (keys.length > MAX_NESTING) {
      problems.push(`${here()} is nested more than ${MAX_NESTING} levels deep`);
      return;
    }
    if (node instanceof ExactNumber) {
      const problem = numberTextProblem(node.text);
      if (problem !== undefined) problems.push(`${here()} is a number DynamoDB cannot store exactly: it ${problem}`);
      return;
    }
    if (typeof node === 'number') {
      const magnitude = Math.abs(node);
      if (!Number.isFinite(node) || magnitude > Number.MAX_SAFE_INTEGER || (node !== 0 && magnitude < MIN_MAGNITUDE)) {
        problems.push(`${here()} is a number DynamoDB cannot store exactly`);
      }
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index += 1) {
        keys.push(index);
        visit(node[index]);
        keys.pop();
      }
      return;
    }
    for (const key of Object.keys(node)) {
      if (key === '') {
        const path = here();
        problems.push(`${path === '' ? 'the body' : path} has an empty field name`);
        continue;
      }
      keys.push(key);
      visit((node as Record<string, unknown>)[key]);
      keys.pop();
    }
  };
  visit(value);
  return problems;
}
