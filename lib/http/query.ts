import { ApiError } from '@/lib/errors';
import { unstorable } from './json-body';

/**
 * A request's query parameters as a plain object (the last value of each),
 * refused with 422 and the parameter's name when one holds text PostgreSQL
 * cannot store (U+0000): such a value can only be hostile, never a filter.
 */
export function queryParams(request: { url: string }): Record<string, string> {
  const params = new URL(request.url).searchParams;
  const out: Record<string, string> = {};
  const issues: { path: string; message: string }[] = [];
  for (const [key, value] of params) {
    const problem = unstorable(key) ?? unstorable(value);
    if (problem) issues.push({ path: key, message: problem });
    out[key] = value;
  }
  if (issues.length) throw ApiError.validation(issues);
  return out;
}
