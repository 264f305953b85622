// Which image patterns PostgreSQL's regular-expression engine matches in
// bounded time. The engine (Henry Spencer's, a DFA with NFA fallbacks) handles
// nested stars such as `(a+)+` well, but three things make it slow on a few
// hundred characters of input:
// - back-references (`\1`): matched by backtracking, ~1 s on 512 characters
//   for `^(.*)(.*)(.*)\1\2\3$`, 30 s for more groups;
// - bounded repetition of a group, which is compiled by copying the group:
//   `(.*){1,255}(.*){1,255}` ~1 s, `((.*){16}){16}x` 80 ms, and many small
//   `(?:.*){16}` or `(?:a|b|.*){16}` in one pattern add up to seconds;
// - embedded options that change the syntax this check reads (`(?b)`, `(?e)`,
//   `(?x)`) or the `***:` director.
// A pattern is accepted when it has none of the first and third, and when its
// size with every bounded repetition expanded (WEIGHT) and its number of
// unbounded repetitions after expansion (STARS) stay small. The same rules run
// in the database (scheduler.ttfs_image_pattern_safe, db/functions/30_signatures.sql) so that
// no write path can store an unsafe enabled pattern; tests/unit and
// tests/integration check both against the same cases.

/** Most atoms a pattern may have with its bounded repetitions expanded. */
export const MAX_PATTERN_WEIGHT = 1024;
/** Most unbounded repetitions (`*`, `+`, `{m,}`) a pattern may have with bounded repetitions expanded. */
export const MAX_PATTERN_STARS = 32;

export type PatternVerdict = { safe: true } | { safe: false; reason: string };

interface Frame {
  weight: number;
  stars: number;
}

const BOUND = /^\{(\d{1,4})(,(\d{0,4}))?\}/;

/** Whether PostgreSQL can match this pattern (already known to compile) in bounded time. */
export function imagePatternSafety(pattern: string): PatternVerdict {
  let i = 0;
  if (pattern.startsWith('***=')) return { safe: true }; // the rest is a literal string
  if (pattern.startsWith('***')) return { safe: false, reason: 'the *** director is not supported here' };
  const options = /^\(\?([a-z]*)\)/.exec(pattern);
  if (options) {
    if (/[bex]/.test(options[1]!))
      return { safe: false, reason: 'embedded options b, e and x are not supported here' };
    if (options[1]!.includes('q')) return { safe: true }; // literal
    i = options[0].length;
  }
  const stack: Frame[] = [{ weight: 0, stars: 0 }];
  // The cost of the last atom or group, which a following quantifier repeats.
  let last: Frame | null = null;
  while (i < pattern.length) {
    const c = pattern[i]!;
    const top = stack[stack.length - 1]!;
    if (c === '\\') {
      if (/[1-9]/.test(pattern[i + 1] ?? ''))
        return { safe: false, reason: 'back-references (\\1 to \\9) cannot be matched in bounded time' };
      i += 2;
      last = { weight: 1, stars: 0 };
      top.weight += 1;
      continue;
    }
    if (c === '[') {
      i = bracketEnd(pattern, i);
      last = { weight: 1, stars: 0 };
      top.weight += 1;
      continue;
    }
    if (c === '(') {
      stack.push({ weight: 0, stars: 0 });
      i += pattern[i + 1] === '?' ? (pattern[i + 2] === '<' ? 4 : 3) : 1;
      last = null;
      continue;
    }
    if (c === ')') {
      const group = stack.length > 1 ? stack.pop()! : { weight: 0, stars: 0 };
      const parent = stack[stack.length - 1]!;
      parent.weight += group.weight;
      parent.stars += group.stars;
      last = group;
      i += 1;
      continue;
    }
    if (c === '*' || c === '+' || c === '?' || c === '{') {
      const bound = c === '{' ? BOUND.exec(pattern.slice(i)) : null;
      if (c === '{' && !bound) {
        // not a bound: a literal brace
        last = { weight: 1, stars: 0 };
        top.weight += 1;
        i += 1;
        continue;
      }
      if (last) {
        if (bound) {
          const min = Number(bound[1]);
          const max = bound[2] === undefined ? min : bound[3] === '' ? min : Number(bound[3]);
          const copies = Math.max(min, max, 1);
          top.weight += last.weight * (copies - 1);
          top.stars += last.stars * (copies - 1);
          if (bound[2] !== undefined && bound[3] === '') top.stars += 1;
        } else if (c !== '?') top.stars += 1;
      }
      i += bound ? bound[0].length : 1;
      if (pattern[i] === '?') i += 1; // non-greedy
      last = null;
      if (top.weight > MAX_PATTERN_WEIGHT || top.stars > MAX_PATTERN_STARS) break;
      continue;
    }
    last = { weight: 1, stars: 0 };
    top.weight += 1;
    i += 1;
  }
  let weight = 0;
  let stars = 0;
  for (const frame of stack) {
    weight += frame.weight;
    stars += frame.stars;
  }
  if (weight > MAX_PATTERN_WEIGHT)
    return {
      safe: false,
      reason: `too large once its bounded repetitions are expanded (more than ${MAX_PATTERN_WEIGHT} atoms); repeat single characters or classes rather than groups`,
    };
  if (stars > MAX_PATTERN_STARS)
    return {
      safe: false,
      reason: `too many open-ended repetitions once its bounded repetitions are expanded (more than ${MAX_PATTERN_STARS})`,
    };
  return { safe: true };
}

/** The index after the bracket expression starting at `start` (`[...]`, `[^]...]`, `[[:alpha:]]`, `[\\]]`). */
function bracketEnd(pattern: string, start: number): number {
  let j = start + 1;
  if (pattern[j] === '^') j++;
  if (pattern[j] === ']') j++;
  while (j < pattern.length && pattern[j] !== ']') {
    if (pattern[j] === '\\') {
      j += 2; // an escape inside the brackets (ARE), e.g. [\]]
      continue;
    }
    if (pattern[j] === '[' && /[:.=]/.test(pattern[j + 1] ?? '')) {
      const close = pattern.indexOf(`${pattern[j + 1]}]`, j + 2);
      j = close < 0 ? pattern.length : close + 2;
      continue;
    }
    j++;
  }
  return j + 1;
}
