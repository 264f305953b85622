import { headers } from 'next/headers';
import { MAIN_CONTENT_MARK } from './constants';
import { PageRenderedReporter } from './page-rendered';

/**
 * Marks the first frame drawn with the content before this point of the
 * server's HTML: the script runs when the browser parses it (before any
 * JavaScript bundle loads) and sets the mark after the next frame. Inside a
 * Suspense boundary that is still hidden (streamed, not yet revealed) it does
 * nothing: the client reporter marks the frame after the reveal instead.
 */
export async function MainContentMark({ page }: { page: string }) {
  // The page CSP allows inline scripts only with the request's nonce (proxy.ts).
  const csp = (await headers()).get('content-security-policy') ?? '';
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  const script = `(function(s){if(s&&s.closest('[hidden]'))return;var d=document.documentElement;requestAnimationFrame(function(){setTimeout(function(){if(d.dataset.mainContent)return;performance.mark(${JSON.stringify(MAIN_CONTENT_MARK)},{detail:{page:${JSON.stringify(page)}}});d.dataset.mainContent=${JSON.stringify(page)}},0)})})(document.currentScript)`;
  return <script nonce={nonce} dangerouslySetInnerHTML={{ __html: script }} />;
}

/**
 * Place at the end of a page's main content, inside the Suspense boundary of
 * that content if it has one: marks when it is drawn and reports it as the
 * console's own time to first signal (docs/ui.md).
 */
export function MainContentRendered({ page }: { page: string }) {
  return (
    <>
      <MainContentMark page={page} />
      <PageRenderedReporter page={page} />
    </>
  );
}
