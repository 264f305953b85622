// Security headers for every response, and the page CSP with a per-request
// nonce. Next.js reads the nonce from the request's CSP header and puts it on
// its own scripts; with 'strict-dynamic' the scripts they load are trusted too.
// No 'unsafe-inline' for scripts: the theme is applied from a cookie on the
// server, so no inline script is needed. Styles keep 'unsafe-inline' because
// React and charts set style attributes.

export function contentSecurityPolicy(nonce: string, options: { dev: boolean; https: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

export function securityHeaders(options: { https: boolean }): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
    ...(options.https ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

/** Headers of every API response: the security headers and a CSP that allows nothing (JSON is never rendered). */
export function apiResponseHeaders(options: { https: boolean }): Record<string, string> {
  return { ...securityHeaders(options), 'Content-Security-Policy': API_CSP };
}

export const API_CSP = "default-src 'none'; frame-ancestors 'none'";
