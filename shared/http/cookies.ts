/** The value of a cookie among API Gateway's `cookies` (`name=value` strings), if present and not empty. */
export const cookieValue = (cookies: readonly string[], name: string): string | undefined => {
  for (const cookie of cookies) {
    const eq = cookie.indexOf('=');
    if (eq > 0 && cookie.slice(0, eq).trim() === name) return cookie.slice(eq + 1).trim() || undefined;
  }
  return undefined;
};
