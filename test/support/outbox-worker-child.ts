/**
 * An outbox worker that stops dead at a chosen point, for test/integration/outbox-faults.test.ts to SIGKILL it
 * there: `tsx outbox-worker-child.ts <outbox item id> <now, ISO> <hang point>`. It inherits the test process's
 * environment (the stack's emulators) and runs the real processing of one item; the hang is injected outside
 * the product, by a proxy in front of one emulator that forwards everything until the request named by the hang
 * point, answers that one never, and prints `{"hung": <point>}` so the parent knows when to kill:
 *   - `record-document`: the transaction that records a rendered PDF on the record (the PDF is already in S3);
 *   - `first-mail`: the first SendEmail (the PDF is stored and recorded, nothing sent);
 *   - `second-mail`: the second SendEmail (the first mail is sent and marked);
 *   - `third-child`: the transaction creating an item's third child (two children are made and noted).
 * If the item finishes without reaching the point, it prints `{"finished": <summary>}` instead.
 */
import { createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { shiftTo } from '../../functions/adapters/clock';
import { config, provideRuntimeEnv } from '../../functions/config';
import { processOutboxItem } from '../../functions/core/outbox';

const isSendEmail = (req: IncomingMessage) =>
  req.method === 'POST' && req.url === '/v2/email/outbound-emails';
const isTransaction = (req: IncomingMessage) =>
  String(req.headers['x-amz-target']).endsWith('.TransactWriteItems');

/** Where each point is: which emulator's requests are watched, and which of them is the one that hangs. */
const POINTS: Record<string, { service: 'dynamodb' | 'ses'; matches: typeof isSendEmail; nth: number }> = {
  'record-document': { service: 'dynamodb', matches: isTransaction, nth: 1 },
  'first-mail': { service: 'ses', matches: isSendEmail, nth: 1 },
  'second-mail': { service: 'ses', matches: isSendEmail, nth: 2 },
  'third-child': { service: 'dynamodb', matches: isTransaction, nth: 3 },
};

function report(message: unknown) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** A forwarding proxy to `target` that holds the `nth` matching request forever. */
async function hangingProxy(target: string, point: string): Promise<string> {
  const { matches, nth } = POINTS[point]!;
  let seen = 0;
  const server = createServer((req, res) => {
    if (matches(req) && ++seen === nth) {
      report({ hung: point });
      return;
    }
    const upstream = request(new URL(req.url ?? '/', target), {
      method: req.method,
      headers: req.headers,
    });
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function main() {
  const [itemId, at, point = ''] = process.argv.slice(2);
  const hang = POINTS[point];
  if (!itemId || !at || !hang) throw new Error(`usage: <item id> <now> <${Object.keys(POINTS).join('|')}>`);
  const { service } = hang;
  const target = config().endpoints[service];
  if (!target) throw new Error(`No ${service} endpoint in the environment`);
  const proxy = await hangingProxy(target, point);
  provideRuntimeEnv(service === 'ses' ? { SES_ENDPOINT: proxy } : { DYNAMODB_ENDPOINT: proxy });
  shiftTo(new Date(at));
  report({ finished: await processOutboxItem(itemId) });
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
