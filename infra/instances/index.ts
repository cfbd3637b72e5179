import { type InstanceSettings, InstanceSettingsSchema } from '../../functions/core/instance-settings';
import { smolensk } from './smolensk';
import { sverdlovsk } from './sverdlovsk';

/** Every regional instance this repository can deploy. A new region is a file here and a line below. */
const instances = { smolensk, sverdlovsk } as const;

export const instanceIds = Object.keys(instances);

/** The settings of one instance, validated; an unknown id or a broken setting fails with its path. */
export function loadInstance(id: string): InstanceSettings {
  const raw = (instances as Record<string, unknown>)[id];
  if (!raw) {
    throw new Error(`Unknown instance "${id}"; known: ${instanceIds.join(', ')}`);
  }
  const parsed = InstanceSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Instance "${id}" settings are invalid: ${details}`);
  }
  return parsed.data;
}
