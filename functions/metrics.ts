import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { isLocalMode } from './config';

import { METRIC, METRICS_NAMESPACE, METRICS_SERVICE } from './metric-names';

export { METRIC, METRICS_NAMESPACE, METRICS_SERVICE };

const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });

/** Count events and publish at once (workers run long batches; a crash must not lose an alarm-worthy count). */
export function countMetric(name: (typeof METRIC)[keyof typeof METRIC], count = 1): void {
  // Locally there is no CloudWatch to read the log line; the worker's own log says the same.
  if (isLocalMode()) return;
  metrics.addMetric(name, MetricUnit.Count, count);
  metrics.publishStoredMetrics();
}
