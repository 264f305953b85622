import { describe, expect, it } from 'vitest';
import { describeConnectionError, redactUrl } from '../../db/connect';

describe('database connection errors', () => {
  const url = 'postgres://app:s3cret@db.internal:5432/ttfs';

  it('never prints the password', () => {
    expect(redactUrl(url)).not.toContain('s3cret');
    for (const code of ['ECONNREFUSED', '28P01', '3D000', 'ENOTFOUND', 'WHATEVER']) {
      expect(describeConnectionError({ code, message: 'boom' }, url)).not.toContain('s3cret');
    }
  });

  it('says what to fix in one line', () => {
    const refused = describeConnectionError({ code: 'ECONNREFUSED' }, url);
    expect(refused).toMatch(/connection refused/);
    expect(refused).toMatch(/DATABASE_URL/);
    expect(refused).not.toContain('\n');
    expect(describeConnectionError({ code: '28P01' }, url)).toMatch(/credentials/);
    expect(describeConnectionError({ code: '3D000' }, url)).toMatch(/does not exist/);
  });
});
