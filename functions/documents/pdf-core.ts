import * as arrayModule from 'pdf-lib/cjs/core/objects/PDFArray';
import * as hexStringModule from 'pdf-lib/cjs/core/objects/PDFHexString';
import * as nameModule from 'pdf-lib/cjs/core/objects/PDFName';
import * as numberModule from 'pdf-lib/cjs/core/objects/PDFNumber';
import * as objectModule from 'pdf-lib/cjs/core/objects/PDFObject';
import * as rawStreamModule from 'pdf-lib/cjs/core/objects/PDFRawStream';
import * as stringModule from 'pdf-lib/cjs/core/objects/PDFString';
import * as contextModule from 'pdf-lib/cjs/core/PDFContext';
import * as writerModule from 'pdf-lib/cjs/core/writers/PDFWriter';

/**
 * The part of pdf-lib that functions/documents/draw.ts uses: its object model, the context that numbers the
 * objects, and the writer (cross-reference table and trailer). Imported file by file: the package's entry point
 * (PDFDocument and everything it offers — the 14 standard fonts' metrics, image embedders, forms, the parser) is
 * ≈ 190 KB more in every bundle that draws a PDF and adds to each cold start, and none of it is used here: our
 * fonts are our own subsets (truetype.ts), our streams our own (draw.ts).
 */

/**
 * pdf-lib's CommonJS files put their class on `exports.default`. Node, and esbuild in this ESM package, give a
 * CommonJS module's whole `module.exports` as the default export, while TypeScript (bundler resolution) types the
 * class itself: take the class in either case.
 */
function classOf<T>(module: { default: T }): T {
  const exported = module.default as unknown as { default?: T } | T;
  return (
    exported && typeof exported === 'object' && 'default' in exported ? exported.default : exported
  ) as T;
}

export const PDFArray = classOf(arrayModule);
export const PDFContext = classOf(contextModule);
export const PDFHexString = classOf(hexStringModule);
export const PDFName = classOf(nameModule);
export const PDFNumber = classOf(numberModule);
export const PDFRawStream = classOf(rawStreamModule);
export const PDFString = classOf(stringModule);
export const PDFWriter = classOf(writerModule);

export type { default as PDFDict } from 'pdf-lib/cjs/core/objects/PDFDict';
export type { default as PDFRef } from 'pdf-lib/cjs/core/objects/PDFRef';

const PDFObject = classOf(objectModule);

/**
 * A PDF value written as the given ASCII text — for the widths array of a font (`[0 [500 612 …]]`), which as
 * pdf-lib objects is one PDFNumber per glyph, each formatted on its own when written.
 */
export class PDFRawValue extends PDFObject {
  constructor(private readonly text: string) {
    super();
  }

  override clone(): PDFRawValue {
    return this;
  }

  override toString(): string {
    return this.text;
  }

  override sizeInBytes(): number {
    return this.text.length;
  }

  override copyBytesInto(buffer: Uint8Array, offset: number): number {
    for (let i = 0; i < this.text.length; i++) buffer[offset + i] = this.text.charCodeAt(i);
    return this.text.length;
  }
}

export type { default as PDFContextType } from 'pdf-lib/cjs/core/PDFContext';
