// Everything auth reads from the environment, in one place.
import type { RequestLike } from '@/lib/http/reply';

/**
 * Demo mode: local demo users (admin, support, sre) may sign in with the
 * passwords shown on the sign-in page. `scripts/serve.ts` turns it on for the
 * embedded database; with DATABASE_URL only TTFS_DEMO_USERS=1 does.
 */
export function demoUsersEnabled(): boolean {
  return process.env.TTFS_DEMO_USERS === '1';
}

export interface OidcSettings {
  issuer: URL;
  clientId: string;
  clientSecret: string | undefined;
  /** Absolute callback URL registered at the issuer; derived from the request when unset. */
  redirectUrl: string | undefined;
  scopes: string;
  rolesClaim: string;
  tenantsClaim: string;
  /** Optional prefix on role values in the claim, e.g. "ttfs-" for "ttfs-admin". */
  rolePrefix: string;
  label: string;
  /** Plain-http issuers are refused unless they are on localhost or explicitly allowed. */
  allowHttp: boolean;
}

export function oidcSettings(): OidcSettings | null {
  const issuer = process.env.TTFS_OIDC_ISSUER;
  const clientId = process.env.TTFS_OIDC_CLIENT_ID;
  if (!issuer || !clientId) return null;
  const url = new URL(issuer);
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '::1';
  return {
    issuer: url,
    clientId,
    clientSecret: process.env.TTFS_OIDC_CLIENT_SECRET || undefined,
    redirectUrl: process.env.TTFS_OIDC_REDIRECT_URL || undefined,
    scopes: process.env.TTFS_OIDC_SCOPES || 'openid profile email',
    rolesClaim: process.env.TTFS_OIDC_ROLES_CLAIM || 'roles',
    tenantsClaim: process.env.TTFS_OIDC_TENANTS_CLAIM || 'tenants',
    rolePrefix: process.env.TTFS_OIDC_ROLE_PREFIX ?? '',
    label: process.env.TTFS_OIDC_LABEL || 'Sign in with single sign-on',
    allowHttp: url.protocol === 'http:' && (local || process.env.TTFS_OIDC_ALLOW_HTTP === '1'),
  };
}

/** Session lifetime: idle timeout, extended on use, never past the absolute limit. */
export const SESSION_IDLE_SECONDS = Number(process.env.TTFS_SESSION_IDLE_HOURS ?? 12) * 3600;
export const SESSION_ABSOLUTE_SECONDS = Number(process.env.TTFS_SESSION_MAX_DAYS ?? 7) * 86400;

export const SESSION_COOKIE = 'ttfs_session';
export const OIDC_COOKIE = 'ttfs_oidc';

/** Ingest requests per second per token (bucket holds twice that); 0 turns the limit off. */
export function ingestRatePerSecond(): number {
  return Number(process.env.TTFS_INGEST_RATE ?? 1000);
}

/** Whether cookies get the Secure flag: on for https requests, or forced by TTFS_COOKIE_SECURE=1. */
const COOKIE_SECURE = process.env.TTFS_COOKIE_SECURE === '1';

export function isSecureRequest(request: RequestLike): boolean {
  if (COOKIE_SECURE) return true;
  const forwarded = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim();
  return (forwarded ?? request.url.slice(0, request.url.indexOf(':'))) === 'https';
}

/**
 * The public origin the browser used, honouring a reverse proxy's forwarded
 * headers (lib/http/forwarded.ts). Without a request URL (a page reads only
 * headers), the scheme is the forwarded one, else http.
 */
export function publicOrigin(request: { headers: RequestLike['headers']; url?: string }): string {
  const url = new URL(request.url ?? 'http://localhost');
  const host =
    request.headers.get('x-forwarded-host')?.split(',')[0]?.trim() || request.headers.get('host') || url.host;
  const proto =
    request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() || url.protocol.replace(':', '');
  return `${proto}://${host}`;
}
