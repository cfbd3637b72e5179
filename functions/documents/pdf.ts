import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, type PDFFont, rgb } from 'pdf-lib';
import { readFont } from './assets';
import { A4, FOOTER_SIZE, layoutText, MARGINS, pageLabel } from './text-layout';

/**
 * Draws laid-out text with pdf-lib. DejaVu Sans covers Cyrillic, «», № and dashes; fontkit subsets it so a
 * one-page document stays small.
 */

export interface PdfMetadata {
  title: string;
  author: string;
  /** When the content was fixed (the record version it shows). */
  date: Date;
}

const TEXT_COLOR = rgb(0, 0, 0);

export async function textToPdf(text: string, meta: PdfMetadata): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const [regularBytes, boldBytes] = await Promise.all([readFont('regular'), readFont('bold')]);
  const regular = await doc.embedFont(regularBytes, { subset: true });
  const bold = await doc.embedFont(boldBytes, { subset: true });
  const face = (isBold: boolean): PDFFont => (isBold ? bold : regular);

  const pages = layoutText(text, (t, size, isBold) => face(isBold).widthOfTextAtSize(t, size));
  pages.forEach((laid, index) => {
    const page = doc.addPage([A4.width, A4.height]);
    for (const line of laid.lines) {
      page.drawText(line.text, {
        x: line.x,
        y: line.y,
        size: line.size,
        font: face(line.bold),
        color: TEXT_COLOR,
      });
    }
    const footer = pageLabel(index + 1, pages.length);
    const width = regular.widthOfTextAtSize(footer, FOOTER_SIZE);
    page.drawText(footer, {
      x: MARGINS.left + (A4.width - MARGINS.left - MARGINS.right - width) / 2,
      y: MARGINS.bottom / 2,
      size: FOOTER_SIZE,
      font: regular,
      color: TEXT_COLOR,
    });
  });

  doc.setTitle(meta.title);
  doc.setAuthor(meta.author);
  doc.setLanguage('ru-RU');
  doc.setProducer('cpd-forms');
  doc.setCreator('cpd-forms');
  doc.setCreationDate(meta.date);
  doc.setModificationDate(meta.date);
  return doc.save();
}
