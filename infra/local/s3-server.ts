/**
 * The S3 emulator as a child process of `npm start`: s3rver needs Node's legacy OpenSSL provider (its
 * ListObjectsV2 pagination uses a legacy cipher), which is a process-wide flag we keep out of the app itself.
 * Arguments: <directory> <port>. Prints one JSON line `{ "port": n }` when listening.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const S3rver = require('s3rver');
const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account');

import { LOCAL_CREDENTIALS } from '../../functions/config';

const [directory, port] = process.argv.slice(2);
DUMMY_ACCOUNT.createKeyPair(LOCAL_CREDENTIALS.accessKeyId, LOCAL_CREDENTIALS.secretAccessKey);

const server = new S3rver({ address: '127.0.0.1', port: Number(port ?? 0), directory, silent: true });
const address = await server.run();
process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);

const stop = () => server.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// If the parent dies without signalling, do not linger.
process.stdin.on('end', stop);
process.stdin.resume();
