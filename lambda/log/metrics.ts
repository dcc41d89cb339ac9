/**
 * CloudWatch Embedded Metric Format: the `_aws` member that turns a log line CloudWatch Logs already receives into
 * metrics, with no extra line and no API call; the dimension and metric values are the line's own top-level
 * members. Hand-written because the whole format is this one object: aws-embedded-metrics would add a module,
 * its own line and a flush per answer.
 */

/** Set by serverless.yml (custom.metricsNamespace) on every function; without it no line carries metrics. */
const NAMESPACE = process.env['METRICS_NAMESPACE']?.trim() || undefined;

export type MetricUnit = 'Count' | 'Milliseconds';

/** One EMF MetricDirective: the metrics published under each of the dimension sets. */
export interface MetricDirective {
  Namespace: string;
  Dimensions: string[][];
  Metrics: { Name: string; Unit: MetricUnit }[];
}

/** Built once per container; undefined when metrics are off. */
export function metricDirective(
  dimensions: string[][],
  metrics: Record<string, MetricUnit>,
): MetricDirective | undefined {
  if (NAMESPACE === undefined) return undefined;
  return {
    Namespace: NAMESPACE,
    Dimensions: dimensions,
    Metrics: Object.entries(metrics).map(([Name, Unit]) => ({ Name, Unit })),
  };
}

export type EmbeddedMetrics =
  | { _aws: { Timestamp: number; CloudWatchMetrics: readonly MetricDirective[] } }
  | Record<string, never>;

/** The directives one kind of line publishes, gathered once per container: only Timestamp varies per line. */
export function metricSet(directives: (MetricDirective | undefined)[]): readonly MetricDirective[] {
  return directives.filter((directive): directive is MetricDirective => directive !== undefined);
}

/** The `_aws` member to spread into a line; {} when metrics are off. A metricSet is used as it is. */
export function embeddedMetrics(directives: readonly (MetricDirective | undefined)[]): EmbeddedMetrics {
  const present = directives.includes(undefined)
    ? metricSet([...directives])
    : (directives as readonly MetricDirective[]);
  return present.length === 0 ? {} : { _aws: { Timestamp: Date.now(), CloudWatchMetrics: present } };
}
