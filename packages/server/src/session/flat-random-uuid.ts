import { randomUUID } from 'node:crypto';

/**
 * A random UUID held as one flat string. Node assembles `randomUUID()` by concatenation, and V8 keeps
 * such a string as a tree of ~14 pieces (~490 B) until something flattens it; ids that live as long
 * as a connection are flattened at once (~65 B; issue 9 idle footprint). `toLowerCase` flattens and,
 * the id being lower-case already, returns the same characters.
 */
export function flatRandomUuid(): string {
  return randomUUID().toLowerCase();
}
