import { config } from '../config';

/** Options every SDK client shares: region, the endpoint override (emulators or a Russian service), credentials. */
export function clientOptions(endpoint: string | undefined) {
  const c = config();
  return {
    region: c.region,
    ...(endpoint ? { endpoint } : {}),
    ...(c.localCredentials ? { credentials: c.localCredentials } : {}),
    // A service that accepts the connection and never answers must not hold a worker for ever: under `npm start`
    // the outbox timer would stop (in Lambda the function's timeout would end it, counted as a lost attempt).
    // Generous against a slow emulator on a busy machine; the SDK retries a timed-out call like any other.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 20_000 },
  };
}
