import type { TeamRole } from '../collections/people-collections.ts';

/** A seeded person: the dev login (`POST /auth/dev-login {email}`) issues a token with `sub = userId`. */
export interface SeedPerson {
  email: string;
  name: string;
  userId: string;
  kind: 'couple' | 'supplier';
  /** For supplier staff: their team and role. */
  supplierId?: string;
  role?: TeamRole;
  /** For partners: their couple. */
  coupleId?: string;
}

export const SEED_SUPPLIERS = {
  lenslight: { id: 'lenslight', name: 'LensLight Photography', type: 'photographer', city: 'Guildford' },
  feast: { id: 'feast', name: 'Feast Catering', type: 'caterer', city: 'London' },
  oakwood: { id: 'oakwood', name: 'Oakwood Hall', type: 'venue', city: 'Surrey' },
  bloom: { id: 'bloom', name: 'Bloom Florals', type: 'florist', city: 'London' },
} as const;

export const SEED_COUPLES = {
  emmaJames: {
    id: 'c-emma-james',
    weddingId: 'w-emma-james',
    displayName: 'Emma & James',
    partners: ['u-emma', 'u-james'],
  },
  priyaArjun: {
    id: 'c-priya-arjun',
    weddingId: 'w-priya-arjun',
    displayName: 'Priya & Arjun',
    partners: ['u-priya', 'u-arjun'],
  },
} as const;

/**
 * The people of the seeded world (issue 2 item 5, issue 4 item 8). Beyond the required eight:
 * Arjun (Priya's partner) and Vera (a LensLight viewer, so read-only rights are visible in the demo).
 * Noah's Bloom Florals is connected only to Priya & Arjun's wedding.
 */
export const seedPeople: readonly SeedPerson[] = [
  { email: 'emma@wedme.example', name: 'Emma Wilson', userId: 'u-emma', kind: 'couple', coupleId: 'c-emma-james' },
  { email: 'james@wedme.example', name: 'James Carter', userId: 'u-james', kind: 'couple', coupleId: 'c-emma-james' },
  {
    email: 'sarah@lenslight.example',
    name: 'Sarah Bennett',
    userId: 'u-sarah',
    kind: 'supplier',
    supplierId: 'lenslight',
    role: 'owner',
  },
  {
    email: 'bob@lenslight.example',
    name: 'Bob Turner',
    userId: 'u-bob',
    kind: 'supplier',
    supplierId: 'lenslight',
    role: 'member',
  },
  {
    email: 'vera@lenslight.example',
    name: 'Vera Quinn',
    userId: 'u-vera',
    kind: 'supplier',
    supplierId: 'lenslight',
    role: 'viewer',
  },
  {
    email: 'olivia@feast.example',
    name: 'Olivia Hart',
    userId: 'u-olivia',
    kind: 'supplier',
    supplierId: 'feast',
    role: 'owner',
  },
  {
    email: 'liam@oakwood.example',
    name: 'Liam Oakley',
    userId: 'u-liam',
    kind: 'supplier',
    supplierId: 'oakwood',
    role: 'owner',
  },
  { email: 'priya@wedme.example', name: 'Priya Shah', userId: 'u-priya', kind: 'couple', coupleId: 'c-priya-arjun' },
  { email: 'arjun@wedme.example', name: 'Arjun Mehta', userId: 'u-arjun', kind: 'couple', coupleId: 'c-priya-arjun' },
  {
    email: 'noah@bloom.example',
    name: 'Noah Fields',
    userId: 'u-noah',
    kind: 'supplier',
    supplierId: 'bloom',
    role: 'owner',
  },
];

export function seedPersonByEmail(email: string): SeedPerson | undefined {
  const wanted = email.trim().toLowerCase();
  return seedPeople.find((person) => person.email === wanted);
}
