// Okabe-Ito: distinguishable with the common colour-vision deficiencies and
// readable on light and dark backgrounds.
export const SERIES_COLORS: Record<string, string> = {
  ui: '#0072B2',
  cli: '#E69F00',
  ci: '#009E73',
  all: '#CC79A7',
  'cache hit': '#56B4E9',
  'cold start': '#D55E00',
};
export const colorFor = (series: string) => SERIES_COLORS[series] ?? '#999999';
