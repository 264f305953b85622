// Accessibility checks for e2e tests: axe-core in the page, WCAG 2.x A and AA
// rules plus axe's best practices. A test fails on any serious or critical
// finding and prints each with the elements it concerns.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export async function seriousA11yViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Fails the test on any serious or critical axe finding on the page as it is now. */
export async function expectNoSeriousA11yViolations(page: Page) {
  const violations = await seriousA11yViolations(page);
  const report = violations.map(
    (v) =>
      `${v.impact} ${v.id}: ${v.help}\n${v.nodes
        .slice(0, 8)
        .map((n) => `  ${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join(' ').trim()}`)
        .join('\n')}${v.nodes.length > 8 ? `\n  … and ${v.nodes.length - 8} more` : ''}`,
  );
  expect(report, `axe on ${page.url()}`).toEqual([]);
}
