/**
 * Builds one function's deployment package: `node --import tsx infra/bundle-function.ts <entry> <outdir>
 * [--web-client] [--templates <precompiled dir>]`. The CDK runs it as the local bundling of every function
 * (infra/constructs/app-function.ts): its bundling hook is synchronous, and esbuild's plugins
 * (infra/constructs/bundle-plugins.ts) need its asynchronous API, hence a process of its own.
 */
import { bundleFunctionTo } from './constructs/function-bundling';

const [entry, outdir, ...flags] = process.argv.slice(2);
if (!entry || !outdir) {
  console.error('usage: bundle-function.ts <entry> <outdir> [--web-client] [--templates <dir>]');
  process.exit(2);
}
const templates = flags.indexOf('--templates');
await bundleFunctionTo(entry, outdir, {
  webClient: flags.includes('--web-client'),
  precompiled: templates >= 0 ? flags[templates + 1] : undefined,
});
