import type { KindDefinition } from '../functions/core/kind';
import { collectiveDiagnosticsRequest } from './collective-diagnostics-request/workflow';
import { consent } from './consent/workflow';
import { diagnosticsRequest } from './diagnostics-request/workflow';
import { internshipApplication } from './internship-application/workflow';
import { route } from './route/workflow';
import { routeCorrection } from './route-correction/workflow';

/** Every record kind of the product. A new kind = a folder in forms/ + its templates + one line here. */
export const kinds = [
  diagnosticsRequest,
  collectiveDiagnosticsRequest,
  consent,
  internshipApplication,
  route,
  routeCorrection,
].map((k) => k as unknown as KindDefinition<unknown>);

const byName = new Map(kinds.map((k) => [k.kind, k]));

export function findKind(name: string): KindDefinition<unknown> | undefined {
  return byName.get(name);
}
