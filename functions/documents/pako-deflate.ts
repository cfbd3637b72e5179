import { deflateSync } from 'node:zlib';

/**
 * Stands in for `pako` in the function bundles (infra/constructs/function-bundling.ts, FUNCTION_ALIASES).
 * pdf-lib's core (pdf-core.ts) imports pako for two helpers, `PDFContext.flateStream` and `PDFFlateStream`, that
 * draw.ts never calls: it deflates its streams itself with the platform's zlib. pako is 47 KB of JavaScript that a
 * bundle would parse at every cold start; this is the same zlib format (RFC 1950) from Node, should a future pdf-lib
 * path call it. From the repository (tests, `npm start`) the real package is loaded.
 */
export function deflate(data: Uint8Array): Uint8Array {
  const out = deflateSync(data);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** pdf-lib reaches it as `tslib.__importDefault(require("pako")).default.deflate`. */
export default { deflate };
