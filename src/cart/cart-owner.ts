/** Whose cart: a signed-in customer's, or a guest's (an id from a signed cookie). */
export type CartOwner = { userId: number } | { guestId: string };
