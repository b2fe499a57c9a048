/** The authenticated user of a connection, derived from verified JWT claims (R1.1). */
export interface AuthUser {
  /** The JWT `sub`. */
  id: string;
  /** Display name for presence and lock holders; defaults to `name`, then `email`, then `sub`. */
  name: string;
  /** Every verified claim, for the app's authorisation hooks (roles, tenant ids, …). */
  claims: Record<string, unknown>;
}

/** Default mapping of verified claims to a user. Apps override it with `hooks.userFromClaims`. */
export function defaultUserFromClaims(claims: Record<string, unknown>): AuthUser {
  const id = String(claims.sub);
  const name =
    typeof claims.name === 'string' && claims.name ? claims.name : typeof claims.email === 'string' ? claims.email : id;
  return { id, name, claims };
}
