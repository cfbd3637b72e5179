import type { KindDefinition } from '../functions/core/kind';
import { diagnosticsRequest } from './diagnostics-request/workflow';

/** Every record kind of the product. A new kind = a folder in forms/ + its templates + one line here. */
export const kinds = [diagnosticsRequest].map((k) => k as unknown as KindDefinition<unknown>);

const byName = new Map(kinds.map((k) => [k.kind, k]));

export function findKind(name: string): KindDefinition<unknown> | undefined {
  return byName.get(name);
}
