import type { Actor } from './hazard';

export interface CaseScope {
  enterpriseId: string;
  departmentId: string;
  assessorBodyId?: string | null;
}

/**
 * Who may read a case: its enterprise, its department's staff, the county bodies, and the
 * assessment body assigned to it while it is.
 */
export function canView(actor: Actor, scope: CaseScope): boolean {
  switch (actor.role) {
    case 'enterprise':
      return actor.enterpriseId === scope.enterpriseId;
    case 'inspector':
    case 'department':
      return actor.departmentId === scope.departmentId;
    case 'assessor':
      return !!actor.assessorId && actor.assessorId === scope.assessorBodyId;
    case 'committee_office':
    case 'committee':
    case 'admin':
      return true;
    default:
      return false;
  }
}

/** The widest set of cases an actor may list, or null when they may list none. */
export function listScope(actor: Actor): Partial<CaseScope> | null {
  switch (actor.role) {
    case 'enterprise':
      return { enterpriseId: actor.enterpriseId };
    case 'inspector':
    case 'department':
      return { departmentId: actor.departmentId };
    case 'assessor':
      return { assessorBodyId: actor.assessorId };
    case 'committee_office':
    case 'committee':
    case 'admin':
      return {};
    default:
      return null;
  }
}

/**
 * How much of the enterprise register an actor may read: staff and county bodies all of it,
 * an enterprise its own entry, anyone else nothing (it names people and their addresses).
 */
export function enterpriseScope(actor: Actor): { enterpriseId?: string } | null {
  switch (actor.role) {
    case 'enterprise':
      return { enterpriseId: actor.enterpriseId };
    case 'inspector':
    case 'department':
    case 'committee_office':
    case 'committee':
    case 'admin':
      return {};
    default:
      return null;
  }
}
