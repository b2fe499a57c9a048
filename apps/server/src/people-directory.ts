import type { WeddingModel } from '@wedsync/wedding';

export interface PersonEntry {
  id: string;
  name: string;
  kind: 'couple' | 'supplier';
  supplierId?: string;
  role?: string;
}

/**
 * The people a user collaborates with, for display names in toasts and presence (R3.3, R4.3):
 * a supplier's staff see their own team and the partners of the weddings their business is
 * connected to; a partner sees their partner and the teams of their connected suppliers. Never
 * another supplier's team to a supplier (R14.2).
 */
export function peopleOf(model: WeddingModel, userId: string): PersonEntry[] {
  const directory = model.directory;
  const people = new Map<string, PersonEntry>();
  const addPartner = (id: string) => people.set(id, { id, name: directory.displayName(id), kind: 'couple' });
  const addTeam = (supplierId: string) => {
    for (const member of directory.teamOf(supplierId)) {
      people.set(member.userId, {
        id: member.userId,
        name: directory.displayName(member.userId),
        kind: 'supplier',
        supplierId,
        role: member.role,
      });
    }
  };
  for (const supplierId of directory.suppliersOfUser(userId)) {
    addTeam(supplierId);
    for (const weddingId of directory.connectedWeddings(supplierId)) {
      const coupleId = directory.coupleOfWedding(weddingId);
      if (coupleId) directory.partnersOf(coupleId).forEach(addPartner);
    }
  }
  for (const coupleId of directory.couplesOfUser(userId)) {
    directory.partnersOf(coupleId).forEach(addPartner);
    const weddingId = directory.weddingOfCouple(coupleId);
    if (weddingId) directory.connectedSuppliers(weddingId).forEach(addTeam);
  }
  return [...people.values()].sort((a, b) => a.name.localeCompare(b.name));
}
