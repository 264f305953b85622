import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { MainContentRendered } from '@/components/telemetry/mark';
import { currentViewer } from '@/lib/auth';
import { isRunbook, RUNBOOKS } from '@/lib/runbooks';

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return { title: isRunbook(slug) ? RUNBOOKS[slug]!.title : 'Runbook' };
}

/** Inline `code` in a line of Markdown. */
function inline(line: string): ReactNode[] {
  return line.split(/(`[^`]+`)/).map((part, i) =>
    part.startsWith('`') && part.endsWith('`') ? (
      <code key={i} className="rounded bg-subtle px-1 font-mono text-xs">
        {part.slice(1, -1)}
      </code>
    ) : (
      part
    ),
  );
}

/** The small part of Markdown the runbooks use: headings, paragraphs, lists and code blocks. */
function render(markdown: string): ReactNode[] {
  const out: ReactNode[] = [];
  const blocks = markdown.trim().split(/\n{2,}/);
  blocks.forEach((block, i) => {
    if (block.startsWith('```')) {
      out.push(
        <pre key={i} className="overflow-x-auto rounded-md bg-subtle p-3 font-mono text-xs">
          {block.replace(/^```\w*\n?/, '').replace(/\n?```$/, '')}
        </pre>,
      );
    } else if (block.startsWith('# ')) {
      out.push(
        <h1 key={i} className="text-xl font-semibold tracking-tight">
          {block.slice(2)}
        </h1>,
      );
    } else if (block.startsWith('## ')) {
      out.push(
        <h2 key={i} className="pt-2 text-base font-semibold">
          {block.slice(3)}
        </h2>,
      );
    } else if (/^(\d+\.|-) /.test(block)) {
      const ordered = /^\d+\./.test(block);
      const items = block.split(/\n(?=\d+\. |- )/).map((item) => item.replace(/^(\d+\.|-) /, ''));
      const List = ordered ? 'ol' : 'ul';
      out.push(
        <List key={i} className={`space-y-1 pl-5 ${ordered ? 'list-decimal' : 'list-disc'}`}>
          {items.map((item, j) => (
            <li key={j}>{inline(item)}</li>
          ))}
        </List>,
      );
    } else {
      out.push(<p key={i}>{inline(block.replace(/\n/g, ' '))}</p>);
    }
  });
  return out;
}

/** A runbook from docs/runbooks/, linked from failure signatures and job pages. */
export default async function RunbookPage({ params }: { params: Promise<{ slug: string }> }) {
  await currentViewer();
  const { slug } = await params;
  if (!isRunbook(slug)) notFound();
  const markdown = await readFile(path.join(process.cwd(), 'docs', 'runbooks', `${slug}.md`), 'utf8');
  return (
    <article className="max-w-3xl space-y-3 text-sm leading-6" data-testid="runbook">
      <p className="text-sm text-muted">
        Runbook ·{' '}
        <Link href="/" className="underline">
          Overview
        </Link>
      </p>
      {render(markdown)}
      <MainContentRendered page="runbook" />
    </article>
  );
}
