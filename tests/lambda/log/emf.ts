/**
 * CloudWatch Embedded Metric Format, as its specification states it: what a log line must hold for CloudWatch Logs
 * to extract its metrics. A line that breaks a rule is stored as a plain log line and its metrics silently dropped,
 * so the tests check each rule.
 */
import { expect } from 'vitest';

/** The units the specification allows. */
const UNITS = new Set([
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
]);

/** One metric a line publishes: namespace, name, the dimensions (name=value, sorted) and the value. */
export interface PublishedMetric {
  namespace: string;
  name: string;
  unit: string | undefined;
  dimensions: Record<string, string>;
  value: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks the line against the specification and answers the metrics CloudWatch would publish from it. */
export function publishedMetrics(line: Record<string, unknown>): PublishedMetric[] {
  const root = line['_aws'];
  if (!isRecord(root)) throw new Error(`the line has no _aws object: ${JSON.stringify(line)}`);
  expect(Number.isInteger(root['Timestamp']), 'Timestamp: whole milliseconds since the epoch').toBe(true);
  expect(Math.abs((root['Timestamp'] as number) - Date.now())).toBeLessThan(24 * 3600_000);
  const directives = root['CloudWatchMetrics'];
  expect(Array.isArray(directives) && directives.length > 0, 'CloudWatchMetrics: a non-empty array').toBe(true);
  const published: PublishedMetric[] = [];
  for (const directive of directives as unknown[]) {
    if (!isRecord(directive)) throw new Error('a MetricDirective must be an object');
    const namespace = directive['Namespace'];
    expect(
      typeof namespace === 'string' && namespace.length >= 1 && namespace.length <= 1024,
      'Namespace: 1-1024 characters',
    ).toBe(true);
    const dimensionSets = directive['Dimensions'];
    expect(Array.isArray(dimensionSets), 'Dimensions: an array of dimension sets').toBe(true);
    const metrics = directive['Metrics'];
    expect(Array.isArray(metrics) && metrics.length >= 1 && metrics.length <= 100, 'Metrics: 1-100 per directive').toBe(
      true,
    );
    for (const set of dimensionSets as unknown[]) {
      expect(Array.isArray(set) && set.length <= 30, 'a dimension set: an array of at most 30 names').toBe(true);
      for (const dimension of set as unknown[]) {
        expect(typeof dimension, 'a dimension set names members').toBe('string');
        expect(typeof line[dimension as string], `dimension ${String(dimension)}: a top-level string member`).toBe(
          'string',
        );
      }
    }
    for (const metric of metrics as unknown[]) {
      if (!isRecord(metric)) throw new Error('a MetricDefinition must be an object');
      const name = metric['Name'];
      const unit = metric['Unit'];
      expect(typeof name === 'string' && name.length >= 1 && name.length <= 1024, 'Name: 1-1024 characters').toBe(true);
      if (unit !== undefined) expect(UNITS.has(unit as string), `unit ${String(unit)}`).toBe(true);
      const value = line[name as string];
      expect(typeof value, `metric ${String(name)}: a top-level number member`).toBe('number');
      for (const set of dimensionSets as string[][]) {
        published.push({
          namespace: namespace as string,
          name: name as string,
          unit: unit as string | undefined,
          dimensions: Object.fromEntries(set.map((dimension) => [dimension, line[dimension] as string])),
          value: value as number,
        });
      }
    }
  }
  return published;
}
