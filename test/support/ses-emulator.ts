import { provideRuntimeEnv } from '../../functions/config';
import { startSes } from '../../infra/local/start';

/**
 * A mail emulator (aws-ses-v2-local, as `npm start` runs it) of this test process's own, which a test may stop
 * and start again on the same port — the stack's shared one must stay up for the other files. This process's
 * mail adapter and mailbox reader are pointed at it (call before anything here sends mail: the adapter keeps
 * its client). The captured mail outlives a restart: the emulator keeps it in its module, not in the server.
 */
export async function ownSesEmulator(host = '127.0.0.1') {
  let { server, port } = await startSes(host, 0);
  let running = true;
  const url = `http://${host}:${port}`;
  provideRuntimeEnv({ SES_ENDPOINT: url });
  const emulator = {
    url,
    async stop() {
      if (!running) return;
      running = false;
      // The SDK keeps connections alive; drop them, or the "stopped" emulator would still answer on them.
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
    async start() {
      if (running) return;
      ({ server, port } = await startSes(host, port));
      running = true;
    },
  };
  return emulator;
}
