/**
 * Groups from a token's `cognito:groups` claim. Through the HTTP API JWT authorizer, array claims arrive as a
 * string such as `[admin operator]`; a verified token read directly holds a JSON array. Both are understood.
 */
export const groupsFromClaim = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value !== 'string') return [];
  const trimmed = value.trim();
  const inner = trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
  return inner.split(/[\s,]+/).filter((g) => g.length > 0);
};
