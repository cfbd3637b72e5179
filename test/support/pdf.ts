import { PDFDocument, StandardFonts } from 'pdf-lib';

/** A small real PDF (one page, a line of text) for tests that move documents around. */
export async function samplePdf(text = 'Sample document'): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595.28, 841.89]);
  page.drawText(text, { x: 56, y: 780, size: 14, font: await doc.embedFont(StandardFonts.Helvetica) });
  return doc.save();
}
