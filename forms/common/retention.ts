import type { InstanceSettings } from '../../functions/core/instance-settings';

/**
 * How long records holding personal data are kept after their final stage (152-FZ art. 5 p. 7: no longer than the
 * purpose of processing requires), for the kinds whose regulation gives no period of its own. A route has its own
 * (A3 4.5.4, `settings.route.retentionDays`).
 */

/**
 * A2 5.6.1: the comprehensive diagnostics is held once in three years, so a request and its results serve as the
 * basis of a route (A2 6.6.3, A3 4.2.4) and as the previous result until the next diagnostics — three years.
 */
export const diagnosticsRetention = (_settings: InstanceSettings) => ({ daysAfterFinal: 3 * 365 + 1 });

/**
 * A4 3.9: a status lasts at most three years; an application (and a site whose status ended) is kept as long as a
 * status could last, for the next selection to see the organisation's history.
 */
export const internshipRetention = (settings: InstanceSettings) => ({
  daysAfterFinal: settings.internship.maxStatusYears * 365 + 1,
});
