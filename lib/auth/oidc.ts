import * as client from 'openid-client';
import { sql } from '@/lib/db';
import { safeReturnPath, roleFromClaims, tenantsFromClaims } from './claims';
import { oidcSettings, publicOrigin, type OidcSettings } from './config';
import { randomSecret, sha256Hex } from './secrets';
import { createSession } from './sessions';
import { upsertOidcUser } from './users';

// OpenID Connect sign-in: authorization code flow with PKCE (S256), state and
// nonce, all checked by openid-client. The PKCE verifier, state and nonce never
// reach the browser: it holds only a random id (cookie) of the pending login.

export class OidcSignInError extends Error {
  constructor(readonly reason: 'not_configured' | 'no_pending_login' | 'no_role' | 'issuer_rejected') {
    super(reason);
  }
}

/**
 * Where a failed sign-in step sends the browser: back to the sign-in page with the reason. An
 * error other than a refusal means the issuer could not be reached; it is logged.
 */
export function signInFailedHeaders(error: unknown, step: 'discovery' | 'callback'): Headers {
  const reason = error instanceof OidcSignInError ? error.reason : 'issuer_unreachable';
  if (!(error instanceof OidcSignInError))
    console.error(
      JSON.stringify({ level: 'error', msg: `oidc ${step} failed`, error: (error as Error).message }),
    );
  return new Headers({ Location: `/sign-in?error=${reason}`, 'Cache-Control': 'no-store' });
}

let cached: { key: string; config: Promise<client.Configuration> } | null = null;

/** Discovery result, cached per process; a failed discovery is retried next time. */
export function oidcConfiguration(settings: OidcSettings): Promise<client.Configuration> {
  const key = JSON.stringify([
    settings.issuer.href,
    settings.clientId,
    settings.clientSecret ?? '',
    settings.allowHttp,
  ]);
  if (cached?.key === key) return cached.config;
  const config = client
    .discovery(
      settings.issuer,
      settings.clientId,
      settings.clientSecret,
      settings.clientSecret ? undefined : client.None(),
      {
        execute: settings.allowHttp ? [client.allowInsecureRequests] : [],
        timeout: 10,
      },
    )
    .catch((error: unknown) => {
      cached = null;
      throw error;
    });
  cached = { key, config };
  return config;
}

const LOGIN_TTL_SECONDS = 600;

/** Starts a sign-in: records the pending login and returns the issuer URL to send the browser to. */
export async function startOidcLogin(
  request: Request,
  returnTo: unknown,
): Promise<{ url: URL; loginId: string; maxAge: number }> {
  const settings = oidcSettings();
  if (!settings) throw new OidcSignInError('not_configured');
  const config = await oidcConfiguration(settings);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const redirectUri = settings.redirectUrl ?? `${publicOrigin(request)}/api/auth/oidc/callback`;
  const loginId = randomSecret(30);
  await sql`
    insert into console.oidc_logins (id_hash, state, nonce, code_verifier, redirect_uri, return_to, expires_at)
    values (${sha256Hex(loginId)}, ${state}, ${nonce}, ${verifier}, ${redirectUri}, ${safeReturnPath(returnTo)},
            now() + make_interval(secs => ${LOGIN_TTL_SECONDS}))`;
  await sql`delete from console.oidc_logins where expires_at < now()`;
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: settings.scopes,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { url, loginId, maxAge: LOGIN_TTL_SECONDS };
}

/**
 * Completes a sign-in on the callback: exchanges the code (with the PKCE
 * verifier), validates state, nonce and the ID token, maps claims to role and
 * tenants, and opens a session. A pending login is usable once.
 */
export async function finishOidcLogin(
  request: Request,
  loginId: string | undefined,
): Promise<{ sessionId: string; maxAge: number; returnTo: string }> {
  const settings = oidcSettings();
  if (!settings) throw new OidcSignInError('not_configured');
  if (!loginId) throw new OidcSignInError('no_pending_login');
  const [pending] = await sql<
    { state: string; nonce: string; codeVerifier: string; redirectUri: string; returnTo: string }[]
  >`
    delete from console.oidc_logins where id_hash = ${sha256Hex(loginId)} and expires_at > now()
    returning state, nonce, code_verifier as "codeVerifier", redirect_uri as "redirectUri", return_to as "returnTo"`;
  if (!pending) throw new OidcSignInError('no_pending_login');
  const config = await oidcConfiguration(settings);
  // The issuer redirected to redirect_uri; rebuild that URL with its response
  // parameters so the token request repeats the exact registered value.
  const current = new URL(pending.redirectUri);
  current.search = new URL(request.url).search;
  let claims: Record<string, unknown>;
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    claims = { ...(tokens.claims() as Record<string, unknown>) };
    // Some issuers put roles only into userinfo, not into the ID token.
    if (
      roleFromClaims(claims, settings.rolesClaim, settings.rolePrefix) === null &&
      config.serverMetadata().userinfo_endpoint
    ) {
      const info = await client.fetchUserInfo(config, tokens.access_token, String(claims.sub));
      claims = { ...info, ...claims };
    }
  } catch (error) {
    // Protocol errors name the failed check; they carry no secrets.
    console.error(
      JSON.stringify({
        level: 'warn',
        msg: 'oidc sign-in rejected',
        error: (error as Error).message,
        code: (error as { code?: string }).code,
      }),
    );
    throw new OidcSignInError('issuer_rejected');
  }
  const role = roleFromClaims(claims, settings.rolesClaim, settings.rolePrefix);
  if (!role) throw new OidcSignInError('no_role');
  const name = [claims.name, claims.preferred_username, claims.email, claims.sub].find(
    (v): v is string => typeof v === 'string' && v.length > 0,
  )!;
  const userId = await upsertOidcUser({
    issuer: String(claims.iss),
    subject: String(claims.sub),
    name: name.slice(0, 200),
    role,
    tenants: tenantsFromClaims(claims, settings.tenantsClaim),
  });
  const session = await createSession(userId);
  return { sessionId: session.id, maxAge: session.maxAge, returnTo: pending.returnTo };
}
