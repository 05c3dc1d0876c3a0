import { describe, expect, it } from 'vitest';
import { groupsFromClaim } from '#shared/http/claims';

describe('groupsFromClaim', () => {
  it('reads groups that API Gateway flattened into a bracketed string', () => {
    expect(groupsFromClaim('[admin operator]')).toEqual(['admin', 'operator']);
  });

  it('reads groups from a JSON array claim', () => {
    expect(groupsFromClaim(['unit-head'])).toEqual(['unit-head']);
  });

  it('reads a single group without brackets and ignores non-string members', () => {
    expect(groupsFromClaim('operator')).toEqual(['operator']);
    expect(groupsFromClaim(['admin', 3, null])).toEqual(['admin']);
  });

  it('gives no groups when the claim is missing or empty', () => {
    expect(groupsFromClaim(undefined)).toEqual([]);
    expect(groupsFromClaim('[]')).toEqual([]);
  });
});
