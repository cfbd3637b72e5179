import type { LinkParty, StaffRole } from './kind';

/** Who is calling, as the HTTP layer resolved it (API.md, "Who is calling"). */
export type Caller =
  | { type: 'anonymous' }
  | { type: 'staff'; sub: string; email: string; roles: StaffRole[] }
  | {
      type: 'link';
      linkId: string;
      recordId: string;
      kind: string;
      party: LinkParty;
      email: string;
      actions: string[];
      validUntil: string;
    }
  | { type: 'system' };

export const ANONYMOUS: Caller = { type: 'anonymous' };
export const SYSTEM: Caller = { type: 'system' };
