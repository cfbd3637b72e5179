import type { DocId } from '../documents';

export type EngineName = 'ours' | 'pdfmake' | 'chromium';

export interface Engine {
  name: EngineName;
  render(doc: DocId): Promise<Uint8Array>;
  close(): Promise<void>;
}
