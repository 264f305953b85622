import 'server-only';
import { ApiError } from '@/lib/errors';
import { roleAtLeast, type Role, type Scope, type Viewer } from './roles';

export * from './roles';

// The single place where requests are authenticated and authorized. Until
// sign-in and API tokens exist every caller is the built-in operator: admin
// role, every tenant, every scope. Callers already pass what they need, so
// real checks slot in here without touching pages or handlers.
const OPERATOR: Viewer = {
  kind: 'user',
  id: 'operator',
  name: 'Operator',
  role: 'admin',
  tenants: 'all',
  scopes: ['telemetry:write', 'signals:write', 'signals:read'],
};

export interface Requirement {
  role?: Role;
  scope?: Scope;
}

function check(viewer: Viewer, need: Requirement): Viewer {
  if (need.role && !roleAtLeast(viewer.role, need.role)) throw ApiError.forbidden();
  if (need.scope && viewer.kind === 'token' && !viewer.scopes.includes(need.scope)) throw ApiError.forbidden(`This token lacks the ${need.scope} scope.`);
  return viewer;
}

/** For route handlers. */
export async function authorize(_request: Request, need: Requirement = {}): Promise<Viewer> {
  return check(OPERATOR, need);
}

/** For server components and server actions. */
export async function currentViewer(need: Requirement = {}): Promise<Viewer> {
  return check(OPERATOR, need);
}
