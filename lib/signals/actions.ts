import { isSafeHref } from '@/lib/http/same-origin';
import { isRunbook, runbookHref } from '@/lib/runbooks';
import type { NextAction } from '@/lib/schemas/signal';

// Next actions are shown as links on the job page and printed by the CLI, so
// only ones that lead somewhere are kept: absolute http(s) links (the
// scheduler's own pages, runbooks elsewhere) and paths of pages this console
// has. A retry is something only the scheduler can do; the console offers none.

const CONSOLE_PAGES = [/^\/jobs$/, /^\/jobs\/[0-9a-f-]{36}$/i, /^\/runs\/[0-9a-f-]{36}$/i, /^\/cli$/];

/** The action as the console shows it (legacy runbook paths moved), or null when it leads nowhere. */
export function actionable(action: NextAction): NextAction | null {
  // Links stored before they were checked on the way in are checked again here, on the way out.
  if (!isSafeHref(action.href)) return null;
  if (/^https?:\/\//i.test(action.href)) return action;
  const href = runbookHref(action.href);
  const url = new URL(href, 'http://console.invalid');
  if (url.searchParams.has('retry') || /^retry/i.test(action.label)) return null;
  const runbook = /^\/runbooks\/([a-z0-9-]+)$/.exec(url.pathname);
  if (runbook ? isRunbook(runbook[1]!) : CONSOLE_PAGES.some((page) => page.test(url.pathname)))
    return href === action.href ? action : { ...action, href };
  return null;
}

export function actionableActions(actions: NextAction[]): NextAction[] {
  return actions.map(actionable).filter((a): a is NextAction => a !== null);
}
