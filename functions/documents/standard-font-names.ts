/**
 * Stands in for `@pdf-lib/standard-fonts` in the function bundles (infra/constructs/function-bundling.ts,
 * FUNCTION_ALIASES). The part of pdf-lib the documents use (pdf-core.ts) reaches that package only through
 * pdf-lib's `utils/objects`, which lists the names of the 14 standard fonts; the package itself is their glyph
 * metrics and encodings, 130 KB that a bundle would parse and decompress at every cold start (≈ 8 ms) for fonts
 * no document here draws with — ours embed PT Serif and DejaVu subsets. From the repository (tests, `npm start`)
 * the real package is loaded; the bundled PDF tests (test/infra/bundling.test.ts) render through this one.
 */

/** The names of the 14 standard Type 1 fonts (PDF 32000-1, 9.6.2.2), as the real package spells them. */
export enum FontNames {
  Courier = 'Courier',
  CourierBold = 'Courier-Bold',
  CourierOblique = 'Courier-Oblique',
  CourierBoldOblique = 'Courier-BoldOblique',
  Helvetica = 'Helvetica',
  HelveticaBold = 'Helvetica-Bold',
  HelveticaOblique = 'Helvetica-Oblique',
  HelveticaBoldOblique = 'Helvetica-BoldOblique',
  TimesRoman = 'Times-Roman',
  TimesRomanBold = 'Times-Bold',
  TimesRomanItalic = 'Times-Italic',
  TimesRomanBoldItalic = 'Times-BoldItalic',
  Symbol = 'Symbol',
  ZapfDingbats = 'ZapfDingbats',
}
