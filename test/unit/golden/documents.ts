import { PDFDocument } from 'pdf-lib';
import { renderOurs } from '../../bench/documents';

export interface GoldenDocument {
  name: string;
  render: () => Promise<Uint8Array>;
  /** Pages to compare, with the label of each golden file (`<name>-<label>.png`). */
  pages: (pdf: Uint8Array) => Promise<Array<{ page: number; label: string }>>;
}

const pageCount = async (pdf: Uint8Array) =>
  (await PDFDocument.load(pdf, { updateMetadata: false })).getPageCount();

/** The documents with golden pictures: the route card (every page) and the first and last page of the consent sheet. */
export const GOLDEN_DOCUMENTS: GoldenDocument[] = [
  {
    name: 'route-card',
    render: () => renderOurs('route-card'),
    pages: async (pdf) =>
      Array.from({ length: await pageCount(pdf) }, (_, i) => ({ page: i + 1, label: `p${i + 1}` })),
  },
  {
    name: 'consent-sheet-300',
    render: () => renderOurs('consent-sheet-300'),
    pages: async (pdf) => [
      { page: 1, label: 'first' },
      { page: await pageCount(pdf), label: 'last' },
    ],
  },
];
