import type { Metadata, Viewport } from 'next';
import { cookies } from 'next/headers';
import type { ReactNode } from 'react';
import { AppShell } from '@/components/shell/app-shell';
import { DisplayZoneProvider } from '@/components/format/zone';
import { displayZone } from '@/lib/format/server';
import { parseTheme, THEME_COOKIE } from '@/lib/theme';
import { Providers } from './providers';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'TTFS console', template: '%s · TTFS console' },
  description: 'Time-to-first-signal: SLOs, live job signals and failure signatures',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  const zone = await displayZone();
  return (
    <html
      lang="en"
      className={theme === 'dark' ? 'dark' : undefined}
      data-theme={theme === 'system' ? 'system' : undefined}
    >
      <body className="min-h-screen bg-canvas font-sans text-fg antialiased">
        <Providers>
          <DisplayZoneProvider zone={zone}>
            <AppShell theme={theme}>{children}</AppShell>
          </DisplayZoneProvider>
        </Providers>
      </body>
    </html>
  );
}
