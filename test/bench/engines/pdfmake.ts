import { createRequire } from 'node:module';
import { fontPath } from '../../../functions/documents/assets';
import type { DocId } from '../documents';
import { docDefinition } from '../pdfmake-docs';
import type { Engine } from './types';

interface PdfMake {
  setFonts(fonts: Record<string, Record<string, string>>): void;
  setUrlAccessPolicy(policy: (url: string) => boolean): void;
  setLocalAccessPolicy(policy: (path: string) => boolean): void;
  createPdf(doc: Record<string, unknown>): { getBuffer(): Promise<Buffer> };
}

/** pdfmake (server side) with the same PT Serif files and DejaVu Sans for the checkboxes. */
export async function open(): Promise<Engine> {
  const pdfmake = createRequire(import.meta.url)('pdfmake') as PdfMake;
  pdfmake.setFonts({
    PTSerif: {
      normal: fontPath('regular'),
      bold: fontPath('bold'),
      italics: fontPath('italic'),
      bolditalics: fontPath('boldItalic'),
    },
    DejaVu: {
      normal: fontPath('fallback'),
      bold: fontPath('fallbackBold'),
      italics: fontPath('fallback'),
      bolditalics: fontPath('fallbackBold'),
    },
  });
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy((path) => path.endsWith('.ttf'));
  return {
    name: 'pdfmake',
    render: async (doc: DocId) => new Uint8Array(await pdfmake.createPdf(docDefinition(doc)).getBuffer()),
    close: async () => {},
  };
}
