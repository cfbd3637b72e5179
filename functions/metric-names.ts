/**
 * Names of the app's CloudWatch metrics (Powertools, embedded metric format: no API calls). The alarms of the
 * stateless stack watch them by namespace, name and the `service` dimension — keep these names stable.
 */
export const METRICS_NAMESPACE = 'CpdForms';
export const METRICS_SERVICE = 'cpd-forms';

export const METRIC = {
  /** An outbox item used up its attempts and was parked: a notification or document did not go out. */
  outboxParked: 'OutboxParked',
} as const;
