import 'server-only';
import { cookies } from 'next/headers';
import { parseZoneCookie, ZONE_COOKIE, type DisplayZone } from './index';

/** The display zone of this request (the `ttfs-tz` cookie). */
export async function displayZone(): Promise<DisplayZone> {
  return parseZoneCookie((await cookies()).get(ZONE_COOKIE)?.value);
}
