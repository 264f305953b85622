// Same-origin relative links: post-sign-in destinations, `next_actions[].href`
// and a signature's relative `remediation_url`. Browsers drop tabs and line
// breaks from URLs and read `\` as `/`, so `/\evil.example` and `/<TAB>/evil.example`
// both lead to `//evil.example`, another host. A relative link is accepted only
// when it has none of those characters and resolves to our own origin.

const BASE = 'https://console.invalid';
// C0 controls, space, DEL and the backslash: none belongs in a link we emit.
const UNSAFE = /[\u0000-\u0020\u007f\\]/;

/** The path (with query and fragment) of a same-origin relative link, normalised; null when it is not one. */
export function sameOriginPath(value: string): string | null {
  if (!value.startsWith('/') || value.startsWith('//') || UNSAFE.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE) return null;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // The normalised path must itself stay relative (e.g. "/./" tricks cannot yield "//").
  return path.startsWith('//') ? null : path;
}

/** An absolute http(s) URL with no whitespace or control characters, or null. */
function absoluteHttpUrl(value: string): string | null {
  if (UNSAFE.test(value) || !/^https?:\/\//i.test(value)) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? value : null;
  } catch {
    return null;
  }
}

/** A link the console may render: a same-origin relative path or an absolute http(s) URL. */
export function isSafeHref(value: unknown): value is string {
  return typeof value === 'string' && (sameOriginPath(value) !== null || absoluteHttpUrl(value) !== null);
}
