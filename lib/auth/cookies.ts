import type { RequestLike } from '@/lib/http/reply';
import { isSecureRequest } from './config';

/** Reads one cookie from a Cookie header. */
export function readCookie(request: RequestLike, name: string): string | undefined {
  const header = request.headers.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** HTTP-only, SameSite=Lax, Secure on https; maxAge 0 deletes. */
export function serializeCookie(
  request: RequestLike,
  name: string,
  value: string,
  maxAgeSeconds: number,
  path = '/',
): string {
  const parts = [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${path}`,
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
  ];
  if (isSecureRequest(request)) parts.push('Secure');
  return parts.join('; ');
}
