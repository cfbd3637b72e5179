import { config } from '../config';

/** Options every SDK client shares: region, the endpoint override (emulators or a Russian service), credentials. */
export function clientOptions(endpoint: string | undefined) {
  const c = config();
  return {
    region: c.region,
    ...(endpoint ? { endpoint } : {}),
    ...(c.localCredentials ? { credentials: c.localCredentials } : {}),
  };
}
