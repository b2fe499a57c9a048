import type { Directory } from '../directory/directory.ts';
import type { Audience, RecordRef } from '../rights/audience.ts';
import { parseScope } from '../rights/audience.ts';
import { audienceSees } from '../rights/visibility.ts';

/**
 * The audiences a person belongs to (R14.2): the couple of each of their weddings, and each team they
 * are on. A notification about a record is only for someone one of whose audiences sees the record.
 */
export function audiencesOf(directory: Directory, userId: string): Audience[] {
  const audiences: Audience[] = [];
  for (const coupleId of directory.couplesOfUser(userId)) {
    const weddingId = directory.weddingOfCouple(coupleId);
    if (weddingId) audiences.push({ kind: 'couple', coupleId, weddingId });
  }
  for (const supplierId of directory.suppliersOfUser(userId)) audiences.push({ kind: 'team', supplierId });
  return audiences;
}

/** The audience through which `userId` sees `record`, preferring the team of `supplierId` when given. */
export function audienceFor(
  directory: Directory,
  userId: string,
  record: RecordRef,
  supplierId?: string,
): Audience | undefined {
  const seeing = audiencesOf(directory, userId).filter((audience) => audienceSees(directory, audience, record));
  return seeing.find((audience) => audience.kind === 'team' && audience.supplierId === supplierId) ?? seeing[0];
}

export function teamUserIds(directory: Directory, supplierId: string | undefined): string[] {
  return supplierId ? directory.teamOf(supplierId).map((member) => member.userId) : [];
}

export function managerUserIds(directory: Directory, supplierId: string | undefined): string[] {
  return supplierId
    ? directory
        .teamOf(supplierId)
        .filter((member) => member.role === 'owner' || member.role === 'admin')
        .map((member) => member.userId)
    : [];
}

export function partnerUserIds(directory: Directory, weddingId: string | undefined): string[] {
  const coupleId = weddingId ? directory.coupleOfWedding(weddingId) : undefined;
  return coupleId ? directory.partnersOf(coupleId) : [];
}

/** The wedding a record lives in (its scope), if any. */
export function weddingOfRecord(record: RecordRef): string | undefined {
  const scope = parseScope(record.scope);
  return scope?.kind === 'wedding' ? scope.id : undefined;
}

/**
 * How email and SMS reach a person: the account email; for a partner, the wedding's contact phone
 * (only a couple's own contact, never shown to a supplier). Preferences may override both.
 */
export function contactOf(directory: Directory, userId: string): { email?: string; phone?: string; name?: string } {
  const user = directory.user(userId)?.fields ?? {};
  const contact: { email?: string; phone?: string; name?: string } = { name: directory.displayName(userId) };
  if (typeof user.email === 'string' && user.email.includes('@')) contact.email = user.email;
  for (const coupleId of directory.couplesOfUser(userId)) {
    const weddingId = directory.weddingOfCouple(coupleId);
    const phone = (weddingId ? directory.records.get('weddings', weddingId)?.fields.contact : undefined) as
      | { phone?: unknown }
      | undefined;
    const number = typeof phone?.phone === 'string' ? phone.phone.replace(/[\s().-]/g, '') : '';
    if (/^\+[1-9]\d{6,14}$/.test(number)) contact.phone = number;
  }
  return contact;
}
