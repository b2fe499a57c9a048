import { defineCollection } from './define-collection.ts';

/** Role of a team member (R2.2): viewers read only; owners and admins also manage the team. */
export const TEAM_ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

/** Supplier types. Caterers and venues hear about guest-count changes (R3.2). */
export const SUPPLIER_TYPES = [
  'photographer',
  'caterer',
  'venue',
  'florist',
  'planner',
  'band',
  'videographer',
  'cake',
] as const;
export type SupplierType = (typeof SUPPLIER_TYPES)[number];

/**
 * A person who can log in; the record id is the JWT `sub`. `presenceVisible: false` hides the person
 * from presence (R14.2); `anonymousEdits: true` makes their edits show as "A team member" to couples.
 */
export const users = defineCollection('users', 'directory', 'People who can log in (id = JWT sub)', {
  name: [1, 'lww'],
  email: [2, 'lww'],
  /** 'couple' | 'supplier': which app (WedMe or WedSync) the person uses. */
  kind: [3, 'lww'],
  avatarUrl: [4, 'lww'],
  /** Default true. */
  presenceVisible: [5, 'lww'],
  /** Default false. */
  anonymousEdits: [6, 'lww'],
});

/** A supplier business. */
export const suppliers = defineCollection('suppliers', 'directory', 'Supplier businesses and their type', {
  name: [1, 'lww'],
  /** One of SUPPLIER_TYPES. */
  type: [2, 'lww'],
  email: [3, 'lww'],
  phone: [4, 'lww'],
  city: [5, 'lww'],
});

/** Membership of a user in a supplier's team. Deleting the record removes the member (R2.2). */
export const teamMembers = defineCollection('team_members', 'supplier', 'Who is on a supplier team, with which role', {
  supplierId: [1, 'lww'],
  userId: [2, 'lww'],
  /** One of TEAM_ROLES. */
  role: [3, 'lww'],
  /** Where the member is in the app, e.g. "clients/w-emma-james" (R10.1); also carried by presence. */
  location: [4, 'lww'],
});

/** A couple: two partners sharing one WedMe space and one wedding. */
export const couples = defineCollection('couples', 'directory', 'Couples (two partners) and their wedding', {
  partnerA: [1, 'lww'],
  /** May be null until the second partner joins. */
  partnerB: [2, 'lww'],
  displayName: [3, 'lww'],
  weddingId: [4, 'lww'],
});
