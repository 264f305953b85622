// Image patterns and whether PostgreSQL can match them in bounded time: the
// unit test checks lib/signatures/pattern-safety.ts against them, the
// integration test scheduler.ttfs_image_pattern_safe (the same rules in SQL).

export const SAFE_PATTERNS = [
  '^registry\\.example\\.com/team/.*:v[0-9]+$',
  '@sha256:[0-9a-f]{64}$',
  '^(docker\\.io|quay\\.io)/(library/)?[a-z0-9._-]+(:[\\w.-]+)?$',
  '(a+)+$',
  '^(.*)(.*)(.*)(.*)(.*)(.*)(.*)(.*)(.*)(.*)b$',
  '.{255}.{255}.{255}.{255}',
  '(?:(?:.*){4}){4}x',
  '(.*){16}(.*){16}x',
  '(?=.*a)(?=.*b)(?!.*c)x',
  '(?<=/)app$',
  '[\\]\\\\(]{2}\\d{1,3}',
  '[[:alpha:]]+[^]x]*\\.io',
  '(?i)^Registry\\.IO/',
  '***=(.*)\\1',
  '(?q)(.*)\\1',
  'a{2,}b{3}',
  '\\0',
  '{',
];

export const UNSAFE_PATTERNS = [
  '^(.*)(.*)(.*)\\1\\2\\3$',
  '(a)\\1',
  '(.*){1,255}(.*){1,255}',
  '(?:.*){1,255}(?:.*){1,255}x',
  '((.*){16}){16}x',
  '(?:[a-z]{1,255}){16}x',
  '(?:.{255}){16}x',
  '(?:(?=.*a).){1,255}x',
  '(.*){16}(.*){16}(.*){16}x',
  '(?:a|b|.*){16}(?:a|b|.*){16}(?:a|b|.*){16}x',
  `${'(?:[^b]*[^c]*){16}'.repeat(2)}x`,
  `${'.*'.repeat(33)}x`,
  '(?x)( .* ) {255}',
  '(?b)\\(.*\\)\\{255\\}',
  '(?e)(.*){255}',
  '***:(.*)\\1',
];
