import { renderOurs } from '../documents';
import type { Engine } from './types';

/** Our engine through the production entry (renderDocument): template, layout, drawing, every time. */
export async function open(): Promise<Engine> {
  return { name: 'ours', render: renderOurs, close: async () => {} };
}
