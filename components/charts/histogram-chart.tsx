'use client';

import { formatCount } from '@/lib/format';
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export function HistogramChart({ bins }: { bins: { label: string; n: number; toMs: number }[] }) {
  return (
    <div className="h-56" data-testid="histogram-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={bins} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.12} />
          <XAxis dataKey="label" stroke="currentColor" fontSize={10} interval={1} />
          <YAxis stroke="currentColor" fontSize={11} width={48} />
          <Tooltip contentStyle={{ fontSize: 12 }} formatter={(v) => [formatCount(Number(v)), 'events']} />
          <Bar dataKey="n" isAnimationActive={false}>
            {bins.map((b) => (
              <Cell
                key={b.label}
                fill={b.toMs <= 2000 ? '#009E73' : b.toMs <= 5000 ? '#E69F00' : '#D55E00'}
              />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
