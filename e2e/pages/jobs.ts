import type { Page } from '@playwright/test';

export class JobPage {
  constructor(readonly page: Page) {}
  goto(jobId: string) {
    return this.page.goto(`/jobs/${jobId}`);
  }
  card = () => this.page.getByTestId('signal-card');
  summary = () => this.page.getByTestId('signal-summary');
  kind = () => this.page.getByTestId('signal-kind').getByTestId('kind-badge');
  live = () => this.page.getByTestId('live-indicator');
  offline = () => this.page.getByTestId('offline-banner');
  prediction = () => this.page.getByTestId('prediction');
}

export class JobsPage {
  constructor(readonly page: Page) {}
  goto(query = '') {
    return this.page.goto(`/jobs${query}`);
  }
  rows = () => this.page.getByTestId('job-row');
  row = (jobId: string) => this.page.locator(`[data-testid="job-row"][data-job-id="${jobId}"]`);
}
